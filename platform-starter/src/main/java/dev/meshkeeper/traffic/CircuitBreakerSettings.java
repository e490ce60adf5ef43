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

/**
 * Maps {@code meshkeeper.traffic.circuit-breaker.*} onto the Resilience4j configuration of each called service's
 * breaker: count-based sliding window; a call fails when it throws or answers 5xx. Every configuration is built
 * once at start-up, so a value Resilience4j refuses fails start-up with the key that holds it.
 */
class CircuitBreakerSettings implements Customizer<Resilience4JCircuitBreakerFactory> {

    private static final String PREFIX = "meshkeeper.traffic.circuit-breaker";

    private final ResilienceProperties.CircuitBreaker properties;

    CircuitBreakerSettings(ResilienceProperties.CircuitBreaker properties) {
        this.properties = properties;
        config(PREFIX, this.properties);
        this.properties.getClients().forEach((service, breaker) -> config(PREFIX + ".clients." + service, breaker));
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
        require(failureRate > 0 && failureRate <= 100, key + ".failure-rate-threshold", failureRate,
                "a percentage above 0 and at most 100");
        require(window >= 1, key + ".sliding-window-size", window, "at least 1");
        require(minimumCalls >= 1, key + ".minimum-number-of-calls", minimumCalls, "at least 1");
        require(!open.isNegative() && !open.isZero(), key + ".wait-duration-in-open-state", open,
                "a positive duration such as 10s");
        require(halfOpen >= 1, key + ".permitted-number-of-calls-in-half-open-state", halfOpen, "at least 1");
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

    private static boolean isServerError(Object result) {
        if (result instanceof ClientHttpResponse response) {
            try {
                return response.getStatusCode().is5xxServerError();
            }
            catch (IOException ex) {
                return true;
            }
        }
        return false;
    }

    private static <T> T pick(T value, T fallback) {
        return (value != null) ? value : fallback;
    }

    private static void require(boolean valid, String key, Object value, String expected) {
        if (!valid) {
            throw new IllegalArgumentException(key + " '" + value + "' is invalid; use " + expected);
        }
    }

}
