package org.springframework.cloud.zookeeper.discovery;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A test stand-in with the name and JSON shape of Spring Cloud Zookeeper's registration payload, so that Curator's
 * {@code ServiceDiscovery} writes exactly what a Spring Cloud Zookeeper application writes ({@code "@class"} included)
 * without the registry server depending on Spring Cloud Zookeeper.
 */
public class ZookeeperInstance {

    private String id;

    private String name;

    private Map<String, String> metadata = new LinkedHashMap<>();

    public ZookeeperInstance() {
    }

    public ZookeeperInstance(String id, String name, Map<String, String> metadata) {
        this.id = id;
        this.name = name;
        this.metadata = new LinkedHashMap<>(metadata);
    }

    public String getId() {
        return this.id;
    }

    public void setId(String id) {
        this.id = id;
    }

    public String getName() {
        return this.name;
    }

    public void setName(String name) {
        this.name = name;
    }

    public Map<String, String> getMetadata() {
        return this.metadata;
    }

    public void setMetadata(Map<String, String> metadata) {
        this.metadata = metadata;
    }
}
