package dev.meshkeeper.discovery;

import java.net.URI;
import java.util.HashMap;
import java.util.Map;
import org.springframework.cloud.client.ServiceInstance;
import org.springframework.cloud.zookeeper.discovery.ZookeeperInstance;

/**
 * One registered instance as the watched cache keeps it: only what a {@link ServiceInstance} answers, read once
 * from the registration and held in a compact form (the node's bytes and Curator's parsed envelope are not kept;
 * host, metadata keys and values are interned, so thousands of instances share the strings they have in common).
 * Answers as Spring Cloud Zookeeper's {@code ZookeeperServiceInstance} does: the SSL port when there is one (and
 * then {@link #isSecure()}), the URI the registration's URI spec builds, the payload's metadata (read-only here).
 * Compared by identity, as Spring Cloud Zookeeper's instances are.
 */
final class WatchedServiceInstance implements ServiceInstance {

    private final String serviceId;

    private final String instanceId;

    private final String host;

    private final int port;

    private final boolean secure;

    private final String uri;

    private final Map<String, String> metadata;

    private WatchedServiceInstance(String serviceId, String instanceId, String host, int port, boolean secure,
            String uri, Map<String, String> metadata) {
        this.serviceId = serviceId;
        this.instanceId = instanceId;
        this.host = host;
        this.port = port;
        this.secure = secure;
        this.uri = uri;
        this.metadata = metadata;
    }

    /**
     * The compact form of a registration that has an id, an address and a port or SSL port, and whose URI spec
     * builds.
     */
    static WatchedServiceInstance of(String serviceId,
            org.apache.curator.x.discovery.ServiceInstance<ZookeeperInstance> registration) {
        boolean secure = registration.getSslPort() != null;
        int port = secure ? registration.getSslPort() : registration.getPort();
        ZookeeperInstance payload = registration.getPayload();
        Map<String, String> metadata = (payload != null && payload.getMetadata() != null) ? payload.getMetadata()
                : Map.of();
        String uri = registration.buildUriSpec();
        // Fail like Spring Cloud Zookeeper's instance would on a URI that does not parse.
        URI.create(uri);
        return new WatchedServiceInstance(serviceId, registration.getId(), registration.getAddress().intern(), port,
                secure, uri, compact(metadata));
    }

    private static Map<String, String> compact(Map<String, String> metadata) {
        if (metadata.isEmpty()) {
            return Map.of();
        }
        Map<String, String> interned = new HashMap<>(metadata.size() * 2);
        metadata.forEach((key, value) -> {
            if (key != null && value != null) {
                interned.put(key.intern(), value.intern());
            }
        });
        return Map.copyOf(interned);
    }

    @Override
    public String getInstanceId() {
        return this.instanceId;
    }

    @Override
    public String getServiceId() {
        return this.serviceId;
    }

    @Override
    public String getHost() {
        return this.host;
    }

    @Override
    public int getPort() {
        return this.port;
    }

    @Override
    public boolean isSecure() {
        return this.secure;
    }

    @Override
    public URI getUri() {
        return URI.create(this.uri);
    }

    @Override
    public Map<String, String> getMetadata() {
        return this.metadata;
    }

    @Override
    public String toString() {
        return this.serviceId + " instance " + this.instanceId + " at " + this.uri + " " + this.metadata;
    }
}
