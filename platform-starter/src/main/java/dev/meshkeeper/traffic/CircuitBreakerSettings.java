package dev.meshkeeper.traffic;

import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import java.io.IOException;
import java.time.Duration;
import java.util.function.Function;
import org.springframework.cloud.circuitbreaker.resilience4j.Resilience4JCircuitBreakerFactory;
import org.springframework.cloud.circuitbreaker.resilience4j.Resilience4JConfigBuilder;
import org.springframework.cloud.client.circuitbreaker.Customizer;
import org.springframework.http.client.ClientHttpResponse;
import org.springframework.util.ClassUtils;
import org.springframework.web.reactive.function.client.ClientResponse;

/**
 * Maps {@code meshkeeper.traffic.circuit-breaker.*} onto the Resilience4j configuration of each called service's
 * breaker: count-based sliding window; a call fails when it throws or answers 5xx ({@code RestClient},
 * {@code RestTemplate}, {@code WebClient} and Feign responses alike). The values were checked when
 * they were bound ({@link ResilienceProperties#validateCircuitBreakers()}), so Resilience4j accepts each of them.
 */
class CircuitBreakerSettings implements Customizer<Resilience4JCircuitBreakerFactory> {

    private static final String PREFIX = "meshkeeper.traffic.circuit-breaker";

    /** WebFlux and Feign are optional: their response types are looked at only when they are on the class path. */
    private static final boolean WEBFLUX = ClassUtils.isPresent(
            "org.springframework.web.reactive.function.client.ClientResponse",
            CircuitBreakerSettings.class.getClassLoader());

    private static final boolean FEIGN = ClassUtils.isPresent("feign.Response",
            CircuitBreakerSettings.class.getClassLoader());

    private final ResilienceProperties.CircuitBreaker properties;

    CircuitBreakerSettings(ResilienceProperties.CircuitBreaker properties) {
        this.properties = properties;
    }

    /** Group (and registry configuration name) of the breakers Meshkeeper creates for called services. */
    static final String GROUP = "meshkeeper";

    @Override
    public void customize(Resilience4JCircuitBreakerFactory factory) {
        factory.configureDefault(configuration());
        // The factory prefers configurations held by the Resilience4j registry (its "default" one included) over
        // its own default: publish ours there, under the service id, without replacing one the application defined
        // with resilience4j.circuitbreaker.configs.<service>.
        CircuitBreakerRegistry registry = factory.getCircuitBreakerRegistry();
        if (registry.getConfiguration(GROUP).isEmpty()) {
            registry.addConfiguration(GROUP, config(PREFIX, this.properties));
        }
        this.properties.getClients().forEach((service, breaker) -> {
            if (registry.getConfiguration(service).isEmpty()) {
                registry.addConfiguration(service, config(PREFIX + ".clients." + service, breaker));
            }
        });
    }

    Function<String, Resilience4JConfigBuilder.Resilience4JCircuitBreakerConfiguration> configuration() {
        return (service) -> new Resilience4JConfigBuilder(service)
                .circuitBreakerConfig(config(PREFIX + ".clients." + service, this.properties.getClients().get(service)))
                .build();
    }

    CircuitBreakerConfig config(String key, ResilienceProperties.Breaker override) {
        ResilienceProperties.Breaker defaults = this.properties;
        ResilienceProperties.Breaker client = (override != null) ? override : defaults;
        float failureRate = pick(client.getFailureRateThreshold(), defaults.getFailureRateThreshold());
        int window = pick(client.getSlidingWindowSize(), defaults.getSlidingWindowSize());
        int minimumCalls = pick(client.getMinimumNumberOfCalls(), defaults.getMinimumNumberOfCalls());
        Duration open = pick(client.getWaitDurationInOpenState(), defaults.getWaitDurationInOpenState());
        int halfOpen = pick(client.getPermittedNumberOfCallsInHalfOpenState(),
                defaults.getPermittedNumberOfCallsInHalfOpenState());
        return CircuitBreakerConfig.custom()
                .slidingWindowType(CircuitBreakerConfig.SlidingWindowType.COUNT_BASED)
                .failureRateThreshold(failureRate)
                .slidingWindowSize(window)
                .minimumNumberOfCalls(minimumCalls)
                .waitDurationInOpenState(open)
                .permittedNumberOfCallsInHalfOpenState(halfOpen)
                .recordResult(CircuitBreakerSettings::isServerError)
                .build();
    }

    /** Whether a call's result is a 5xx response of any of the clients whose calls are broken: a failure. */
    static boolean isServerError(Object result) {
        if (result instanceof ClientHttpResponse response) {
            try {
                return response.getStatusCode().is5xxServerError();
            }
            catch (IOException ex) {
                return true;
            }
        }
        return (WEBFLUX && WebFluxResponses.isServerError(result)) || (FEIGN && FeignResponses.isServerError(result));
    }

    /** Loaded only when WebFlux is on the class path. */
    private static final class WebFluxResponses {

        static boolean isServerError(Object result) {
            return result instanceof ClientResponse response && response.statusCode().is5xxServerError();
        }
    }

    /** Loaded only when Feign is on the class path. */
    private static final class FeignResponses {

        static boolean isServerError(Object result) {
            return result instanceof feign.Response response && response.status() >= 500;
        }
    }

    private static <T> T pick(T value, T fallback) {
        return (value != null) ? value : fallback;
    }

}
