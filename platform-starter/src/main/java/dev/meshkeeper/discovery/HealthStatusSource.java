package dev.meshkeeper.discovery;

import java.util.function.Supplier;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.health.actuate.endpoint.HealthEndpoint;

/** The aggregate status code of the actuator {@code health} endpoint, e.g. {@code UP} or {@code DOWN}. */
class HealthStatusSource implements Supplier<String> {

    private final ObjectProvider<HealthEndpoint> endpoint;

    HealthStatusSource(ObjectProvider<HealthEndpoint> endpoint) {
        this.endpoint = endpoint;
    }

    /** The status code, or {@code null} when the health endpoint is not available. */
    @Override
    public String get() {
        HealthEndpoint health = this.endpoint.getIfAvailable();
        return (health != null) ? health.health().getStatus().getCode() : null;
    }
}
