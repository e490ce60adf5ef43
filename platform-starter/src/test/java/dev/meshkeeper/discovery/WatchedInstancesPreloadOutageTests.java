package dev.meshkeeper.discovery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTimeout;

import dev.meshkeeper.registry.junit.EmbeddedRegistry;
import dev.meshkeeper.registry.junit.RegistryHandle;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.RetryOneTime;
import org.apache.curator.x.discovery.ServiceInstance;
import org.apache.curator.x.discovery.UriSpec;
import org.apache.curator.x.discovery.details.JsonInstanceSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.springframework.cloud.zookeeper.discovery.ZookeeperInstance;

/**
 * A preloaded service ({@code meshkeeper.discovery.preload-services}) answers from memory, at once, while the
 * registry is stopped, though it was never looked up before; when the registry returns, changes made after it
 * came back (an instance removed, one added, a new service) reach the preloaded caches.
 */
@EmbeddedRegistry(dedicated = true)
@Timeout(120)
class WatchedInstancesPreloadOutageTests {

    private static final String ROOT = "/preload-outage";

    /** Generous: an answer from memory takes milliseconds. */
    private static final Duration NO_HANG = Duration.ofSeconds(2);

    private final JsonInstanceSerializer<ZookeeperInstance> serializer = new JsonInstanceSerializer<>(
            ZookeeperInstance.class);

    private CuratorFramework operator;

    private CuratorFramework consumer;

    private WatchedInstances instances;

    @AfterEach
    void close() {
        if (this.instances != null) {
            this.instances.close();
        }
        if (this.consumer != null) {
            this.consumer.close();
        }
        if (this.operator != null) {
            this.operator.close();
        }
    }

    @Test
    void preloadedServiceAnswersFromMemoryWhileTheRegistryIsStoppedAndFollowsChangesAfter(RegistryHandle registry)
            throws Exception {
        this.operator = connect(registry);
        for (int i = 1; i <= 3; i++) {
            register("preloaded-a", "a-" + i, 8000 + i);
        }
        register("preloaded-b", "b-1", 8101);
        this.consumer = connect(registry);
        Set<String> heard = ConcurrentHashMap.newKeySet();
        this.instances = new WatchedInstances(this.consumer, ROOT, new ZookeeperInstanceSerializer(),
                Duration.ofSeconds(10), Duration.ZERO, null, Duration.ofSeconds(10),
                List.of(ServicePreload.EVERY_SERVICE));
        this.instances.addListener((service, all) -> heard.add(service));
        // Loaded in the background, without a lookup.
        await().atMost(Duration.ofSeconds(30)).until(() -> heard.containsAll(Set.of("preloaded-a", "preloaded-b")));

        registry.stop();
        await().atMost(Duration.ofSeconds(15)).until(() -> !this.consumer.getZookeeperClient().isConnected());

        // Answered from memory: a wait for ZooKeeper would take seconds.
        assertThat(assertTimeout(NO_HANG, () -> ids("preloaded-a"), "first lookup of a preloaded service"))
                .containsExactly("a-1", "a-2", "a-3");
        assertThat(assertTimeout(NO_HANG, () -> ids("preloaded-b"), "first lookup of another"))
                .containsExactly("b-1");
        assertThat(assertTimeout(NO_HANG, this.instances::services, "service names")).contains("preloaded-a",
                "preloaded-b");

        registry.start();
        await().atMost(Duration.ofSeconds(30)).until(() -> this.consumer.getZookeeperClient().isConnected()
                && this.operator.getZookeeperClient().isConnected());
        this.operator.delete().forPath(ROOT + "/preloaded-a/a-1");
        register("preloaded-a", "a-4", 8004);
        register("preloaded-c", "c-1", 8201);
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            assertThat(ids("preloaded-a")).containsExactly("a-2", "a-3", "a-4");
            assertThat(this.instances.watchedServices()).contains("preloaded-c");
        });
        await().atMost(Duration.ofSeconds(30)).until(() -> heard.contains("preloaded-c"));
        assertThat(ids("preloaded-c")).containsExactly("c-1");
        assertThat(ids("preloaded-b")).containsExactly("b-1");
    }

    private List<String> ids(String service) {
        return this.instances.instances(service).stream()
                .map(org.springframework.cloud.client.ServiceInstance::getInstanceId).toList();
    }

    private static CuratorFramework connect(RegistryHandle registry) throws InterruptedException {
        CuratorFramework client = CuratorFrameworkFactory.newClient(registry.connectString(), 30_000, 5_000,
                new RetryOneTime(100));
        client.start();
        assertThat(client.blockUntilConnected(30, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
        return client;
    }

    /** A persistent registration node: it outlives the operator's session across the registry's restart. */
    private void register(String service, String id, int port) throws Exception {
        ServiceInstance<ZookeeperInstance> instance = ServiceInstance.<ZookeeperInstance>builder().name(service)
                .id(id).address("127.0.0.1").port(port).uriSpec(new UriSpec("{scheme}://{address}:{port}"))
                .payload(new ZookeeperInstance(id, service, Map.of(WatchedInstances.STATUS_KEY, "UP"))).build();
        this.operator.create().creatingParentsIfNeeded().forPath(ROOT + "/" + service + "/" + id,
                this.serializer.serialize(instance));
    }
}
