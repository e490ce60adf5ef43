package dev.meshkeeper.lock;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.meshkeeper.registry.junit.EmbeddedRegistry;
import dev.meshkeeper.registry.junit.RegistryHandle;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationHandler;
import io.micrometer.observation.ObservationRegistry;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.RetryOneTime;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * With an {@link ObservationRegistry}, every acquisition is a {@code meshkeeper.lock.wait} observation (with its
 * outcome) and every granted lease a {@code meshkeeper.lock.hold} observation until it is released, tagged by the
 * bounded meter name, with the lock's own name and token as high-cardinality values; a loss is an event on the
 * hold.
 */
@EmbeddedRegistry
@Timeout(60)
class LockObservationTests {

    private final List<Observation.Context> started = new CopyOnWriteArrayList<>();

    private final List<Observation.Context> stopped = new CopyOnWriteArrayList<>();

    private final List<String> events = new CopyOnWriteArrayList<>();

    private CuratorFramework curator;

    private CuratorFramework otherCurator;

    private DistributedLocks locks;

    private DistributedLocks other;

    @BeforeEach
    void start(RegistryHandle registry) throws InterruptedException {
        ObservationRegistry observations = ObservationRegistry.create();
        observations.observationConfig().observationHandler(new ObservationHandler<>() {

            @Override
            public boolean supportsContext(Observation.Context context) {
                return true;
            }

            @Override
            public void onStart(Observation.Context context) {
                LockObservationTests.this.started.add(context);
            }

            @Override
            public void onEvent(Observation.Event event, Observation.Context context) {
                LockObservationTests.this.events.add(context.getName() + " " + event.getName());
            }

            @Override
            public void onStop(Observation.Context context) {
                LockObservationTests.this.stopped.add(context);
            }
        });
        this.curator = client(registry);
        this.otherCurator = client(registry);
        this.locks = CuratorDistributedLocks.builder(this.curator).observationRegistry(observations)
                .instanceId(() -> "observed").build();
        this.other = CuratorDistributedLocks.builder(this.otherCurator).instanceId(() -> "other").build();
    }

    @AfterEach
    void stop() {
        this.locks.close();
        this.other.close();
        this.curator.close();
        this.otherCurator.close();
    }

    @Test
    void anAcquisitionIsAWaitObservationWithItsOutcomeAndALeaseAHoldObservationUntilReleased() throws Exception {
        LockLease lease = this.locks.mutex("stock-17", "stock").acquire(Duration.ofSeconds(10));
        assertThat(this.stopped).singleElement().satisfies(wait -> {
            assertThat(wait.getName()).isEqualTo("meshkeeper.lock.wait");
            assertThat(wait.getLowCardinalityKeyValue("lock").getValue()).isEqualTo("stock");
            assertThat(wait.getLowCardinalityKeyValue("outcome").getValue()).isEqualTo("acquired");
            assertThat(wait.getHighCardinalityKeyValue("lock.name").getValue()).isEqualTo("stock-17");
        });
        assertThat(this.started).extracting(Observation.Context::getName).containsExactly("meshkeeper.lock.wait",
                "meshkeeper.lock.hold");
        lease.close();
        assertThat(this.stopped).hasSize(2).last().satisfies(hold -> {
            assertThat(hold.getName()).isEqualTo("meshkeeper.lock.hold");
            assertThat(hold.getLowCardinalityKeyValue("lock").getValue()).isEqualTo("stock");
            assertThat(hold.getHighCardinalityKeyValue("lock.token").getValue())
                    .isEqualTo(Long.toString(lease.fencingToken()));
        });
    }

    @Test
    void aWaitThatTimesOutIsObservedWithItsOutcomeAndNoHold() {
        try (LockLease held = this.other.mutex("busy").tryAcquire(Duration.ofSeconds(10)).orElseThrow()) {
            assertThat(this.locks.mutex("busy").tryAcquire(Duration.ofMillis(200))).isEmpty();
        }
        assertThat(this.stopped).singleElement().satisfies(wait -> {
            assertThat(wait.getName()).isEqualTo("meshkeeper.lock.wait");
            assertThat(wait.getLowCardinalityKeyValue("lock").getValue()).isEqualTo(DistributedLocks.UNNAMED_METER);
            assertThat(wait.getLowCardinalityKeyValue("outcome").getValue()).isEqualTo("timeout");
        });
        assertThat(this.started).extracting(Observation.Context::getName).doesNotContain("meshkeeper.lock.hold");
    }

    @Test
    void aLostLeaseIsAnEventOnItsHoldObservation(RegistryHandle registry) throws Exception {
        LockLease lease = this.locks.semaphore("observed-loss", 1, "loss").acquire(Duration.ofSeconds(10));
        registry.expireSession(this.curator.getZookeeperClient().getZooKeeper());
        await().atMost(Duration.ofSeconds(30))
                .untilAsserted(() -> assertThat(this.events).contains("meshkeeper.lock.hold meshkeeper.lock.lost"));
        lease.close();
        assertThat(this.stopped).extracting(Observation.Context::getName).contains("meshkeeper.lock.hold");
    }

    private static CuratorFramework client(RegistryHandle registry) throws InterruptedException {
        CuratorFramework client = CuratorFrameworkFactory.newClient(registry.connectString(), 10_000, 3_000,
                new RetryOneTime(100));
        client.start();
        assertThat(client.blockUntilConnected(10, TimeUnit.SECONDS)).isTrue();
        return client;
    }
}
