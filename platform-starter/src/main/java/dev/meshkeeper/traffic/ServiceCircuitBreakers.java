package dev.meshkeeper.traffic;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import java.lang.reflect.Field;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.cloud.circuitbreaker.resilience4j.Resilience4JCircuitBreakerFactory;
import org.springframework.cloud.client.circuitbreaker.CircuitBreakerFactory;
import org.springframework.cloud.client.circuitbreaker.Customizer;
import org.springframework.util.ReflectionUtils;

/**
 * The Resilience4j breaker of each called service for clients that cannot run a call through Spring Cloud's
 * blocking {@code CircuitBreaker} ({@code WebClient}): the very breaker the blocking clients' calls go through, found
 * by service id in the {@link CircuitBreakerRegistry} of the application's {@link Resilience4JCircuitBreakerFactory},
 * so a service has one breaker whichever client calls it. When it does not exist yet it is created there as that
 * factory would create it for group {@value CircuitBreakerSettings#GROUP}: with the service's own configuration in
 * the registry, else the group's, else the registry's default, and tagged with the group.
 * <p>
 * The breaker customizer added for the service with
 * {@link Resilience4JCircuitBreakerFactory#addCircuitBreakerCustomizer} is applied to it before every call, as the
 * factory's own breakers apply it before every blocking call ({@code Customizer.once} makes one-time work of it), so
 * it holds from the first call on whichever client makes it. The factory keeps its customizers to itself; they are
 * read from its {@value #CUSTOMIZERS_FIELD} field. Should a version of Spring Cloud CircuitBreaker not have that
 * field, one WARN says so and the customizers reach the breaker only through blocking calls.
 */
final class ServiceCircuitBreakers {

    private static final Logger logger = LoggerFactory.getLogger(ServiceCircuitBreakers.class);

    static final String CUSTOMIZERS_FIELD = "circuitBreakerCustomizers";

    private static final Field CUSTOMIZERS = customizersField();

    private final ObjectProvider<CircuitBreakerFactory<?, ?>> factory;

    private final AtomicBoolean warned = new AtomicBoolean();

    ServiceCircuitBreakers(ObjectProvider<CircuitBreakerFactory<?, ?>> factory) {
        this.factory = factory;
    }

    /**
     * @return the breaker of the service, its customizer applied, or {@code null} when the application has no
     * Resilience4j circuit breaker factory (the call then goes unguarded, as with the blocking clients)
     */
    CircuitBreaker forService(String service) {
        if (!(this.factory.getIfAvailable() instanceof Resilience4JCircuitBreakerFactory resilience4j)) {
            return null;
        }
        CircuitBreakerRegistry registry = resilience4j.getCircuitBreakerRegistry();
        CircuitBreaker breaker = registry.find(service).orElseGet(() -> registry.circuitBreaker(service,
                configuration(registry, service), Map.of("group", CircuitBreakerSettings.GROUP)));
        Customizer<CircuitBreaker> customizer = customizer(resilience4j, service);
        if (customizer != null) {
            customizer.customize(breaker);
        }
        return breaker;
    }

    private static CircuitBreakerConfig configuration(CircuitBreakerRegistry registry, String service) {
        return registry.getConfiguration(service).or(() -> registry.getConfiguration(CircuitBreakerSettings.GROUP))
                .orElseGet(registry::getDefaultConfig);
    }

    @SuppressWarnings("unchecked")
    private Customizer<CircuitBreaker> customizer(Resilience4JCircuitBreakerFactory factory, String service) {
        Object customizers = (CUSTOMIZERS != null) ? ReflectionUtils.getField(CUSTOMIZERS, factory) : null;
        if (customizers instanceof Map<?, ?> byService) {
            return (Customizer<CircuitBreaker>) byService.get(service);
        }
        if (this.warned.compareAndSet(false, true)) {
            logger.warn(Resilience4JCircuitBreakerFactory.class.getName() + " has no " + CUSTOMIZERS_FIELD
                    + " map in this version of Spring Cloud CircuitBreaker: breaker customizers added with"
                    + " addCircuitBreakerCustomizer reach a WebClient call's breaker only once a blocking call has"
                    + " run through it. Use the Spring Cloud CircuitBreaker version the Meshkeeper BOM manages.");
        }
        return null;
    }

    private static Field customizersField() {
        Field field = ReflectionUtils.findField(Resilience4JCircuitBreakerFactory.class, CUSTOMIZERS_FIELD, Map.class);
        if (field != null) {
            ReflectionUtils.makeAccessible(field);
        }
        return field;
    }
}
