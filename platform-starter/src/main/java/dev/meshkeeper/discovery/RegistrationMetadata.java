package dev.meshkeeper.discovery;

import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.cloud.zookeeper.discovery.ZookeeperDiscoveryProperties;
import org.springframework.cloud.zookeeper.discovery.ZookeeperInstance;
import org.springframework.cloud.zookeeper.serviceregistry.ZookeeperRegistration;

/**
 * Where this instance's metadata lives: before registration in Spring Cloud Zookeeper's
 * {@code spring.cloud.zookeeper.discovery.metadata} map (which the registration is built from), afterwards in the
 * registration's payload, which is what Curator writes, also when it re-registers the instance.
 */
final class RegistrationMetadata {

    private final ZookeeperRegistration registration;

    private final ZookeeperDiscoveryProperties zookeeperProperties;

    RegistrationMetadata(ZookeeperRegistration registration, ZookeeperDiscoveryProperties zookeeperProperties) {
        this.registration = registration;
        this.zookeeperProperties = zookeeperProperties;
    }

    /** Adds zone, weight (1 unless given) and version from the properties, and the UP status unless one is set. */
    void enrich(MeshkeeperDiscoveryProperties properties) {
        Map<String, String> metadata = new LinkedHashMap<>(current());
        if (properties.getZone() != null && !properties.getZone().isBlank()) {
            metadata.put(InstanceMetadata.ZONE_KEY, properties.getZone());
        }
        if (properties.getWeight() != null) {
            metadata.put(InstanceMetadata.WEIGHT_KEY, Integer.toString(properties.getWeight()));
        }
        metadata.putIfAbsent(InstanceMetadata.WEIGHT_KEY, Integer.toString(InstanceMetadata.DEFAULT_WEIGHT));
        if (properties.getVersion() != null && !properties.getVersion().isBlank()) {
            metadata.put(InstanceMetadata.VERSION_KEY, properties.getVersion());
        }
        metadata.putIfAbsent(InstanceMetadata.STATUS_KEY, InstanceMetadata.UP);
        replace(metadata);
    }

    /** Whether the registration has been built with its port, i.e. registration has started. */
    boolean isBuilt() {
        // Spring Cloud Zookeeper builds the registration once the port is known; building it earlier breaks it.
        return this.registration.getServiceId() != null;
    }

    /** The instance id; before registration {@code spring.cloud.zookeeper.discovery.instance-id}, maybe null. */
    String instanceId() {
        return isBuilt() ? this.registration.getServiceInstance().getId() : this.zookeeperProperties.getInstanceId();
    }

    /** The metadata now (not a copy: do not change it). */
    Map<String, String> current() {
        Map<String, String> metadata = isBuilt() ? payload().getMetadata() : this.zookeeperProperties.getMetadata();
        return (metadata != null) ? metadata : Map.of();
    }

    /**
     * Before registration the registration's payload shares Spring Cloud Zookeeper's metadata map, which is changed
     * in place; afterwards the payload gets a new map, so that a serialization running concurrently (Curator
     * re-registering on reconnect) sees either the old or the new metadata, never a half-changed one.
     */
    void replace(Map<String, String> metadata) {
        if (isBuilt()) {
            payload().setMetadata(metadata);
        }
        else {
            Map<String, String> shared = this.zookeeperProperties.getMetadata();
            Map<String, String> copy = new LinkedHashMap<>(metadata);
            shared.clear();
            shared.putAll(copy);
        }
    }

    private ZookeeperInstance payload() {
        return this.registration.getServiceInstance().getPayload();
    }
}
