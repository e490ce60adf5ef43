package dev.meshkeeper.registry.api;

import dev.meshkeeper.registry.junit.RegistryHandle;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.TreeMap;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.RetryOneTime;
import org.apache.zookeeper.CreateMode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Znodes written straight into the registry's ZooKeeper the way its clients write them: registrations in Spring
 * Cloud Zookeeper's format, topology reports as the starter writes them, plain values. Opened on a test's own
 * Curator client ({@link #connect}) or on the registry server's.
 */
final class RegistryNodes implements AutoCloseable {

    private static final JsonMapper json = JsonMapper.builder().build();

    private final CuratorFramework curator;

    private final boolean own;

    private RegistryNodes(CuratorFramework curator, boolean own) {
        this.curator = curator;
        this.own = own;
    }

    /** Over a client of the registry's (closed by its owner). */
    static RegistryNodes on(CuratorFramework curator) {
        return new RegistryNodes(curator, false);
    }

    /** Over a client of its own, connected to {@code registry}; closed by {@link #close()}. */
    static RegistryNodes connect(RegistryHandle registry) throws InterruptedException {
        CuratorFramework curator = CuratorFrameworkFactory.newClient(registry.connectString(), new RetryOneTime(100));
        curator.start();
        curator.blockUntilConnected();
        return new RegistryNodes(curator, true);
    }

    CuratorFramework curator() {
        return this.curator;
    }

    /** An UP instance {@code id} of {@code service}: an ephemeral node in Spring Cloud Zookeeper's format. */
    void register(String service, String id) throws Exception {
        register(service, id, 8080, Map.of("instance_status", "UP"));
    }

    /**
     * An instance {@code id} of {@code service} on 127.0.0.1:{@code port} with {@code metadata}: an ephemeral node
     * in Spring Cloud Zookeeper's format.
     */
    void register(String service, String id, int port, Map<String, String> metadata) throws Exception {
        String registration = """
                {"name":"%1$s","id":"%2$s","address":"127.0.0.1","port":%3$d,"sslPort":null,
                 "payload":{"@class":"org.springframework.cloud.zookeeper.discovery.ZookeeperInstance",
                   "id":"%1$s","name":"%1$s","metadata":%4$s},
                 "registrationTimeUTC":1,"serviceType":"DYNAMIC"}
                """.formatted(service, id, port, json.writeValueAsString(new TreeMap<>(metadata)));
        this.curator.create().creatingParentContainersIfNeeded().withMode(CreateMode.EPHEMERAL)
                .forPath("/services/" + service + "/" + id, bytes(registration));
    }

    /** The topology report of an instance: an ephemeral node, one per instance, as the starter writes it. */
    void report(String service, String id, String report) throws Exception {
        this.curator.create().creatingParentContainersIfNeeded().withMode(CreateMode.EPHEMERAL)
                .forPath("/meshkeeper/topology/" + service + "/" + id, bytes(report));
    }

    /** Creates {@code path} (and its parents) holding {@code value}; fails if it exists. */
    void create(String path, String value) throws Exception {
        this.curator.create().creatingParentsIfNeeded().forPath(path, bytes(value));
    }

    /** Creates {@code path} (and its parents) or overwrites it with {@code value}. */
    void write(String path, String value) throws Exception {
        this.curator.create().orSetData().creatingParentsIfNeeded().forPath(path, bytes(value));
    }

    @Override
    public void close() {
        if (this.own) {
            this.curator.close();
        }
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
