package dev.meshkeeper.discovery;

import java.util.function.Supplier;
import org.springframework.boot.health.actuate.endpoint.HealthEndpoint;

/** The aggregate status code of the actuator {@code health} endpoint, e.g. {@code UP} or {@code DOWN}. */
class HealthStatusSource implements Supplier<String> {

    private final HealthEndpoint endpoint;

    HealthStatusSource(HealthEndpoint endpoint) {
        this.endpoint = endpoint;
    }

    @Override
    public String get() {
        return this.endpoint.health().getStatus().getCode();
    }
}
