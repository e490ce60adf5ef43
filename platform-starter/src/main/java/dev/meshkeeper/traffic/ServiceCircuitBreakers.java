package dev.meshkeeper.traffic;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import java.util.Map;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.cloud.circuitbreaker.resilience4j.Resilience4JCircuitBreakerFactory;
import org.springframework.cloud.client.circuitbreaker.CircuitBreakerFactory;

/**
 * The Resilience4j breaker of each called service for clients that cannot run a call through Spring Cloud's
 * blocking {@code CircuitBreaker} ({@code WebClient}): the very breaker the blocking clients' calls go through, found
 * by service id in the {@link CircuitBreakerRegistry} of the application's {@link Resilience4JCircuitBreakerFactory},
 * so a service has one breaker whichever client calls it. When it does not exist yet it is created there as that
 * factory would create it for group {@value CircuitBreakerSettings#GROUP}: with the service's own configuration in
 * the registry, else the group's, else the registry's default, and tagged with the group.
 */
final class ServiceCircuitBreakers {

    private final ObjectProvider<CircuitBreakerFactory<?, ?>> factory;

    ServiceCircuitBreakers(ObjectProvider<CircuitBreakerFactory<?, ?>> factory) {
        this.factory = factory;
    }

    /**
     * @return the breaker of the service, or {@code null} when the application has no Resilience4j circuit breaker
     * factory (the call then goes unguarded, as with the blocking clients)
     */
    CircuitBreaker forService(String service) {
        if (!(this.factory.getIfAvailable() instanceof Resilience4JCircuitBreakerFactory resilience4j)) {
            return null;
        }
        CircuitBreakerRegistry registry = resilience4j.getCircuitBreakerRegistry();
        return registry.find(service).orElseGet(() -> registry.circuitBreaker(service, configuration(registry, service),
                Map.of("group", CircuitBreakerSettings.GROUP)));
    }

    private static CircuitBreakerConfig configuration(CircuitBreakerRegistry registry, String service) {
        return registry.getConfiguration(service).or(() -> registry.getConfiguration(CircuitBreakerSettings.GROUP))
                .orElseGet(registry::getDefaultConfig);
    }
}
