package dev.meshkeeper.samples.inventory;

import java.util.Map;
import org.springframework.cloud.zookeeper.serviceregistry.ZookeeperRegistration;
import org.springframework.stereotype.Component;

/**
 * This instance as callers see it in ZooKeeper: read from Spring Cloud Zookeeper's own registration, so what an
 * answer reports is exactly what is registered.
 */
@Component
class RegisteredInstance {

    static final String ZONE = "zone";

    static final String VERSION = "version";

    private final ZookeeperRegistration registration;

    RegisteredInstance(ZookeeperRegistration registration) {
        this.registration = registration;
    }

    /** The instance id: the name of this instance's znode under {@code /services/inventory-service/}. */
    String id() {
        return this.registration.getServiceInstance().getId();
    }

    /** The {@code zone} metadata of the registration, or {@code null} when none is set. */
    String zone() {
        Map<String, String> metadata = this.registration.getMetadata();
        return (metadata != null) ? metadata.get(ZONE) : null;
    }

    /** The {@code version} metadata of the registration, or {@code null} when none is set. */
    String version() {
        Map<String, String> metadata = this.registration.getMetadata();
        return (metadata != null) ? metadata.get(VERSION) : null;
    }
}
