package dev.meshkeeper.discovery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.awaitility.Awaitility.await;

import dev.meshkeeper.registry.junit.EmbeddedRegistry;
import dev.meshkeeper.registry.junit.MutableClock;
import dev.meshkeeper.registry.junit.RegistryHandle;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
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

/**
 * {@code meshkeeper.discovery.removal-grace}: the last UP instance of a service stays listed for the grace after its
 * registration vanished; every other removal happens at once. "At once" is checked with a grace far longer than the
 * wait, so a removal seen in time cannot have come from the grace ending.
 */
@EmbeddedRegistry
@Timeout(60)
class WatchedInstancesRemovalGraceTests {

    private static final String ROOT = "/grace-services";

    private static final Duration LONG_GRACE = Duration.ofSeconds(60);

    private final JsonInstanceSerializer<ZookeeperInstance> serializer = new JsonInstanceSerializer<>(
            ZookeeperInstance.class);

    private CuratorFramework curator;

    private ServiceDiscovery<ZookeeperInstance> discovery;

    private WatchedInstances instances;

    @BeforeEach
    void connect(RegistryHandle registry) {
        this.curator = CuratorFrameworkFactory.newClient(registry.connectString(), new RetryOneTime(100));
        this.curator.start();
        // Not started, as in WatchedInstancesTests: registrations are written only when the test says so.
        this.discovery = ServiceDiscoveryBuilder.builder(ZookeeperInstance.class).client(this.curator).basePath(ROOT)
                .serializer(this.serializer).build();
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
    void lastUpInstanceWhoseRegistrationVanishedStaysListedForTheGraceThenLeaves() throws Exception {
        MutableClock clock = new MutableClock();
        ManualScheduler scheduler = new ManualScheduler(clock);
        this.instances = new WatchedInstances(this.curator, ROOT, this.serializer, Duration.ofSeconds(10),
                Duration.ofSeconds(2), null, Duration.ofSeconds(10), clock, scheduler);
        ServiceInstance<ZookeeperInstance> last = register("grace-last", "grace-last-1", "UP");
        assertThat(this.instances.instances("grace-last")).hasSize(1);
        AtomicReference<Instant> emptyHeardAt = new AtomicReference<>();
        this.instances.addListener((service, current) -> {
            if (current.isEmpty()) {
                emptyHeardAt.compareAndSet(null, clock.instant());
            }
        });
        Instant vanishedAt = clock.instant();
        this.discovery.unregisterService(last);
        // The cache has seen the deletion once the end of the grace is scheduled.
        await().atMost(Duration.ofSeconds(15)).until(() -> scheduler.pending() == 1);
        clock.advance(Duration.ofMillis(1999));
        scheduler.runDue();
        assertThat(this.instances.allInstances("grace-last")).as("listed during the grace").hasSize(1);

        clock.advance(Duration.ofMillis(1));
        scheduler.runDue();
        assertThat(this.instances.allInstances("grace-last")).isEmpty();
        assertThat(Duration.between(vanishedAt, clock.instant())).as("listed for the grace")
                .isGreaterThanOrEqualTo(Duration.ofSeconds(2));
        assertThat(emptyHeardAt.get()).as("listeners hear the empty list").isNotNull();
        assertThat(Duration.between(vanishedAt, emptyHeardAt.get())).as("listeners hear the empty list after the grace")
                .isGreaterThanOrEqualTo(Duration.ofSeconds(2));
        scheduler.shutdownNow();
    }

    @Test
    void lastUpInstanceRegisteringAgainWithinTheGraceIsNeverMissing() throws Exception {
        watch(LONG_GRACE);
        ServiceInstance<ZookeeperInstance> last = register("grace-again", "grace-again-1", "UP");
        assertThat(this.instances.instances("grace-again")).hasSize(1);
        List<Integer> heard = new CopyOnWriteArrayList<>();
        this.instances.addListener((service, current) -> heard.add(current.size()));
        // What Curator's ServiceDiscovery does to re-register on reconnect: delete, then create.
        this.discovery.unregisterService(last);
        register("grace-again", "grace-again-1", "UP", 9001);

        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(this.instances.instances("grace-again"))
                .singleElement().satisfies(instance -> assertThat(instance.getPort()).isEqualTo(9001)));
        assertThat(heard).as("list sizes heard").isNotEmpty().doesNotContain(0);
    }

    @Test
    void instanceThatIsNotTheLastUpOneLeavesAtOnce() throws Exception {
        watch(LONG_GRACE);
        ServiceInstance<ZookeeperInstance> leaving = register("grace-pair", "grace-pair-1", "UP");
        register("grace-pair", "grace-pair-2", "UP");
        assertThat(this.instances.instances("grace-pair")).hasSize(2);
        this.discovery.unregisterService(leaving);
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(this.instances.allInstances("grace-pair"))
                .extracting(org.springframework.cloud.client.ServiceInstance::getInstanceId)
                .containsExactly("grace-pair-2"));
    }

    @Test
    void gracefullyDeregisteredInstanceOutOfServiceFirstLeavesAtOnce() throws Exception {
        watch(LONG_GRACE);
        ServiceInstance<ZookeeperInstance> draining = register("grace-drain", "grace-drain-1", "UP");
        assertThat(this.instances.instances("grace-drain")).hasSize(1);
        draining.getPayload().getMetadata().put(WatchedInstances.STATUS_KEY, "OUT_OF_SERVICE");
        this.discovery.updateService(draining);
        await().atMost(Duration.ofSeconds(10)).until(() -> this.instances.instances("grace-drain").isEmpty());
        this.discovery.unregisterService(draining);
        await().atMost(Duration.ofSeconds(10)).until(() -> this.instances.allInstances("grace-drain").isEmpty());
    }

    @Test
    void anotherUpInstanceEndsTheGraceOfAVanishedOne() throws Exception {
        watch(LONG_GRACE);
        ServiceInstance<ZookeeperInstance> crashed = register("grace-replaced", "grace-replaced-1", "UP");
        assertThat(this.instances.instances("grace-replaced")).hasSize(1);
        this.discovery.unregisterService(crashed);
        // The node is gone, the instance still listed.
        await().atMost(Duration.ofSeconds(10)).until(() -> this.curator.checkExists()
                .forPath(ROOT + "/grace-replaced/grace-replaced-1") == null);
        assertThat(this.instances.instances("grace-replaced")).hasSize(1);
        register("grace-replaced", "grace-replaced-2", "UP");
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(
                this.instances.allInstances("grace-replaced"))
                .extracting(org.springframework.cloud.client.ServiceInstance::getInstanceId)
                .containsExactly("grace-replaced-2"));
    }

    @Test
    void withoutGraceTheLastInstanceLeavesAtOnce() throws Exception {
        watch(Duration.ZERO);
        ServiceInstance<ZookeeperInstance> last = register("grace-none", "grace-none-1", "UP");
        assertThat(this.instances.instances("grace-none")).hasSize(1);
        this.discovery.unregisterService(last);
        await().atMost(Duration.ofSeconds(10)).until(() -> this.instances.allInstances("grace-none").isEmpty());
    }

    @Test
    void negativeGraceIsRejectedNamingTheProperty() {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> new WatchedInstances(this.curator, ROOT, this.serializer, Duration.ofSeconds(1),
                        Duration.ofSeconds(-1)))
                .withMessageContaining("meshkeeper.discovery.removal-grace").withMessageContaining("-1");
    }

    private void watch(Duration grace) {
        this.instances = new WatchedInstances(this.curator, ROOT, this.serializer, Duration.ofSeconds(10), grace);
    }

    private ServiceInstance<ZookeeperInstance> register(String service, String id, String status) throws Exception {
        return register(service, id, status, 8000);
    }

    private ServiceInstance<ZookeeperInstance> register(String service, String id, String status, int port)
            throws Exception {
        Map<String, String> metadata = new HashMap<>();
        metadata.put(WatchedInstances.STATUS_KEY, status);
        ServiceInstance<ZookeeperInstance> instance = ServiceInstance.<ZookeeperInstance>builder().name(service)
                .id(id).address("127.0.0.1").port(port).uriSpec(new UriSpec("{scheme}://{address}:{port}"))
                .payload(new ZookeeperInstance(id, service, metadata)).build();
        this.discovery.registerService(instance);
        return instance;
    }
}
