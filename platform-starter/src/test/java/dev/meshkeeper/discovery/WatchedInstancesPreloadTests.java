package dev.meshkeeper.discovery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.meshkeeper.registry.junit.EmbeddedRegistry;
import dev.meshkeeper.registry.junit.RegistryHandle;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.RetryOneTime;
import org.apache.curator.x.discovery.ServiceDiscovery;
import org.apache.curator.x.discovery.ServiceDiscoveryBuilder;
import org.apache.curator.x.discovery.ServiceInstance;
import org.apache.curator.x.discovery.UriSpec;
import org.apache.curator.x.discovery.details.JsonInstanceSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.springframework.cloud.zookeeper.discovery.ZookeeperInstance;

/** {@code meshkeeper.discovery.preload-services}, and the compact form the cache keeps each instance in. */
@EmbeddedRegistry
@Timeout(120)
class WatchedInstancesPreloadTests {

    private static final String ROOT = "/preloaded-services";

    private CuratorFramework curator;

    private ServiceDiscovery<ZookeeperInstance> discovery;

    private WatchedInstances instances;

    @BeforeEach
    void connect(RegistryHandle registry) throws Exception {
        this.curator = CuratorFrameworkFactory.newClient(registry.connectString(), new RetryOneTime(100));
        this.curator.start();
        this.discovery = ServiceDiscoveryBuilder.builder(ZookeeperInstance.class).client(this.curator).basePath(ROOT)
                .serializer(new JsonInstanceSerializer<>(ZookeeperInstance.class)).build();
    }

    @AfterEach
    void close() throws Exception {
        if (this.instances != null) {
            this.instances.close();
        }
        this.discovery.close();
        this.curator.close();
    }

    @Test
    void everyRegisteredServiceIsLoadedWithoutBeingLookedUpAndSoIsALaterOne() throws Exception {
        for (int i = 0; i < 3 * ServicePreload.CONCURRENT_LOADS; i++) {
            register("early-" + i, "early-" + i + "-1", 8000 + i, null);
        }
        List<String> changed = new CopyOnWriteArrayList<>();
        this.instances = watching(List.of(ServicePreload.EVERY_SERVICE));
        this.instances.addListener((service, all) -> changed.add(service));
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(this.instances.watchedServices())
                .hasSize(3 * ServicePreload.CONCURRENT_LOADS));
        // The listener is added after the preload started, so it may miss the first loads: ask the cache instead.
        assertThat(this.instances.instances("early-0")).extracting(
                org.springframework.cloud.client.ServiceInstance::getInstanceId).containsExactly("early-0-1");
        assertThat(this.instances.watchedServices()).hasSize(3 * ServicePreload.CONCURRENT_LOADS);

        register("late", "late-1", 9001, "UP");
        await().atMost(Duration.ofSeconds(30)).until(() -> this.instances.watchedServices().contains("late")
                && changed.contains("late"));
        assertThat(this.instances.instances("late")).extracting(
                org.springframework.cloud.client.ServiceInstance::getInstanceId).containsExactly("late-1");
    }

    @Test
    void onlyTheNamedServicesAreLoadedAhead() throws Exception {
        register("wanted", "wanted-1", 8101, "UP");
        register("ignored", "ignored-1", 8102, "UP");
        this.instances = watching(List.of("wanted", " "));
        // Opened in the background, never looked up; the lookup below is then answered by that cache.
        await().atMost(Duration.ofSeconds(30)).until(() -> this.instances.watchedServices().contains("wanted"));
        assertThat(this.instances.watchedServices()).containsExactly("wanted");
        assertThat(this.instances.instances("wanted")).hasSize(1);
        assertThat(this.instances.watchedServices()).containsExactly("wanted");
    }

    @Test
    void withoutPreloadingOnlyLookedUpServicesAreWatched() throws Exception {
        register("looked-up", "looked-up-1", 8201, "UP");
        register("never", "never-1", 8202, "UP");
        this.instances = watching(List.of());
        assertThat(this.instances.services()).contains("looked-up", "never");
        assertThat(this.instances.instances("looked-up")).hasSize(1);
        assertThat(this.instances.watchedServices()).containsExactly("looked-up");
    }

    @Test
    void instancesAnswerAsSpringCloudZookeeperReadsThem() throws Exception {
        ServiceInstance<ZookeeperInstance> secure = ServiceInstance.<ZookeeperInstance>builder().name("compact")
                .id("compact-1").address("127.0.0.1").port(8301).sslPort(8443)
                .uriSpec(new UriSpec("{scheme}://{address}:{port}/api"))
                .payload(new ZookeeperInstance("compact-1", "compact", Map.of("zone", "a", "instance_status", "UP")))
                .build();
        this.discovery.registerService(secure);
        register("compact", "compact-2", 8302, "OUT_OF_SERVICE");
        this.instances = watching(List.of());

        assertThat(this.instances.allInstances("compact")).hasSize(2).first().satisfies((instance) -> {
            assertThat(instance.getServiceId()).isEqualTo("compact");
            assertThat(instance.getInstanceId()).isEqualTo("compact-1");
            assertThat(instance.getHost()).isEqualTo("127.0.0.1");
            assertThat(instance.getPort()).isEqualTo(8443);
            assertThat(instance.isSecure()).isTrue();
            assertThat(instance.getUri()).isEqualTo(URI.create("https://127.0.0.1:8301/api"));
            assertThat(instance.getMetadata()).containsExactlyInAnyOrderEntriesOf(
                    Map.of("zone", "a", "instance_status", "UP"));
        });
        assertThat(this.instances.instances("compact")).extracting(
                org.springframework.cloud.client.ServiceInstance::getInstanceId).containsExactly("compact-1");
    }

    private WatchedInstances watching(List<String> preload) {
        return new WatchedInstances(this.curator, ROOT, new ZookeeperInstanceSerializer(), Duration.ofSeconds(10),
                Duration.ZERO, null, Duration.ofSeconds(10), preload);
    }

    private void register(String service, String id, int port, String status) throws Exception {
        Map<String, String> metadata = (status != null) ? Map.of(WatchedInstances.STATUS_KEY, status) : Map.of();
        this.discovery.registerService(ServiceInstance.<ZookeeperInstance>builder().name(service).id(id)
                .address("127.0.0.1").port(port).uriSpec(new UriSpec("{scheme}://{address}:{port}"))
                .payload(new ZookeeperInstance(id, service, metadata)).build());
    }
}
