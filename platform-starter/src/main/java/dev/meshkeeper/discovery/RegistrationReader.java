package dev.meshkeeper.discovery;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.curator.framework.recipes.cache.ChildData;
import org.apache.curator.x.discovery.details.InstanceSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.cloud.client.ServiceInstance;
import org.springframework.cloud.zookeeper.discovery.ZookeeperInstance;

/**
 * Reads a registration node in Spring Cloud Zookeeper's format (Curator {@code ServiceInstance} JSON with a
 * {@link ZookeeperInstance} payload). A node that cannot be read as one — empty, bad JSON, no id, no address, no
 * port, a uriSpec that cannot be built — gives {@code null} and one WARN naming its path and the problem (again only
 * when the problem changes). Unknown metadata keys are kept as they are. A readable node gives its compact
 * {@link WatchedServiceInstance}; nothing of the node itself (its bytes) is kept.
 */
final class RegistrationReader {

    private static final Logger logger = LoggerFactory.getLogger(WatchedInstances.class);

    private final InstanceSerializer<ZookeeperInstance> serializer;

    /** The problem last reported, by node path. */
    private final Map<String, String> warned = new ConcurrentHashMap<>();

    RegistrationReader(InstanceSerializer<ZookeeperInstance> serializer) {
        this.serializer = serializer;
    }

    /** The instance the node registers, or {@code null} when it cannot be read (reported once). */
    ServiceInstance read(String serviceId, ChildData node) {
        String problem;
        try {
            byte[] bytes = node.getData();
            if (bytes == null || bytes.length == 0) {
                problem = "it is empty";
            }
            else {
                org.apache.curator.x.discovery.ServiceInstance<ZookeeperInstance> instance = this.serializer
                        .deserialize(bytes);
                problem = problemWith(instance);
                if (problem == null) {
                    this.warned.remove(node.getPath());
                    return WatchedServiceInstance.of(serviceId, instance);
                }
            }
        }
        catch (Exception ex) {
            problem = "it is not a Spring Cloud Zookeeper registration (" + ex.getClass().getSimpleName() + ": "
                    + firstLine(ex.getMessage()) + ")";
        }
        if (!problem.equals(this.warned.put(node.getPath(), problem))) {
            logger.warn("Skipping the registration at " + node.getPath() + ": " + problem
                    + ". Other instances are unaffected; rewrite or delete that node to fix it.");
        }
        return null;
    }

    /** Forgets what was reported about a node that was deleted, so that a new bad one there is reported again. */
    void forget(String path) {
        this.warned.remove(path);
    }

    private static String problemWith(org.apache.curator.x.discovery.ServiceInstance<ZookeeperInstance> instance) {
        if (instance.getId() == null || instance.getId().isBlank()) {
            return "it has no id";
        }
        if (instance.getAddress() == null || instance.getAddress().isBlank()) {
            return "it has no address";
        }
        if (instance.getPort() == null && instance.getSslPort() == null) {
            return "it has no port";
        }
        try {
            instance.buildUriSpec();
        }
        catch (RuntimeException ex) {
            return "its uriSpec cannot be built (" + firstLine(ex.getMessage()) + ")";
        }
        return null;
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "no detail";
        }
        int newline = message.indexOf('\n');
        return (newline < 0) ? message : message.substring(0, newline);
    }
}
