package dev.meshkeeper.discovery;

import java.util.function.Supplier;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.cloud.client.serviceregistry.Registration;
import org.springframework.core.env.Environment;

/**
 * This instance's id as other instances see it: Spring Cloud Zookeeper's registration id (the znode name under
 * {@code /services/<service>/}) when the application registers, else the configured
 * {@code spring.cloud.zookeeper.discovery.instance-id}, else the application name. Resolved at each call, so a
 * registration made after start-up is picked up.
 */
public final class LocalInstanceId implements Supplier<String> {

    private final ObjectProvider<Registration> registration;

    private final Environment environment;

    public LocalInstanceId(ObjectProvider<Registration> registration, Environment environment) {
        this.registration = registration;
        this.environment = environment;
    }

    @Override
    public String get() {
        Registration current = this.registration.getIfAvailable();
        if (current != null && current.getInstanceId() != null) {
            return current.getInstanceId();
        }
        String configured = this.environment.getProperty("spring.cloud.zookeeper.discovery.instance-id");
        if (configured != null && !configured.isBlank()) {
            return configured;
        }
        return this.environment.getProperty("spring.application.name", "application");
    }
}
