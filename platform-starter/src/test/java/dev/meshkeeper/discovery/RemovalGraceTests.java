package dev.meshkeeper.discovery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import dev.meshkeeper.registry.junit.MutableClock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.springframework.cloud.client.DefaultServiceInstance;
import org.springframework.cloud.client.ServiceInstance;

/** The removal-grace state machine on a clock and scheduler the test moves: no ZooKeeper, no waiting. */
@Timeout(30)
class RemovalGraceTests {

    private final MutableClock clock = new MutableClock();

    private final ManualScheduler scheduler = new ManualScheduler(this.clock);

    private final List<String> ended = new CopyOnWriteArrayList<>();

    private final RemovalGrace grace = new RemovalGrace(Duration.ofSeconds(5), this.clock, this.scheduler,
            (service) -> this.ended.add(service.serviceId));

    private final WatchedService service = new WatchedService("orders", "/services/orders", null);

    @AfterEach
    void stop() {
        this.scheduler.shutdownNow();
    }

    @Test
    void lastUpInstanceLingersUntilTheGraceHasPassedOnTheClock() {
        ServiceInstance last = add("orders-1", "UP");
        assertThat(vanish("orders-1", last)).isTrue();
        assertThat(ids()).containsExactly("orders-1");

        this.clock.advance(Duration.ofMillis(4999));
        this.scheduler.runDue();
        assertThat(ids()).containsExactly("orders-1");
        assertThat(this.ended).isEmpty();

        this.clock.advance(Duration.ofMillis(1));
        this.scheduler.runDue();
        assertThat(ids()).isEmpty();
        assertThat(this.ended).containsExactly("orders");
    }

    @Test
    void taskRunningBeforeTheClockReachedTheEndWaitsForWhatRemains() {
        // The scheduler's time runs ahead of the clock (e.g. the clock was set back): the clock decides.
        MutableClock schedulerTime = new MutableClock();
        ManualScheduler early = new ManualScheduler(schedulerTime);
        RemovalGrace onClock = new RemovalGrace(Duration.ofSeconds(5), this.clock, early,
                (service) -> this.ended.add(service.serviceId));
        ServiceInstance last = add("orders-1", "UP");
        synchronized (this.service) {
            onClock.vanished(this.service, "orders-1", this.service.byId.remove("orders-1"));
        }
        schedulerTime.advance(Duration.ofSeconds(5));
        this.clock.advance(Duration.ofSeconds(4));
        early.runDue();
        assertThat(this.service.byId).containsValue(last);
        assertThat(early.pending()).as("waits again for the remaining second").isEqualTo(1);

        schedulerTime.advance(Duration.ofSeconds(1));
        this.clock.advance(Duration.ofSeconds(1));
        early.runDue();
        assertThat(ids()).isEmpty();
        assertThat(this.ended).containsExactly("orders");
        early.shutdownNow();
    }

    @Test
    void instanceThatIsNotTheLastUpOneDoesNotLinger() {
        ServiceInstance leaving = add("orders-1", "UP");
        add("orders-2", "UP");
        assertThat(vanish("orders-1", leaving)).isFalse();
        assertThat(ids()).containsExactly("orders-2");
        assertThat(this.scheduler.pending()).isZero();
    }

    @Test
    void instanceNotUpDoesNotLinger() {
        ServiceInstance draining = add("orders-1", "OUT_OF_SERVICE");
        assertThat(vanish("orders-1", draining)).isFalse();
        assertThat(ids()).isEmpty();
    }

    @Test
    void anotherUpInstanceEndsTheGraceAtOnce() {
        ServiceInstance crashed = add("orders-1", "UP");
        vanish("orders-1", crashed);
        synchronized (this.service) {
            add("orders-2", "UP");
            this.grace.present(this.service, "orders-2");
            this.service.publish();
        }
        assertThat(ids()).containsExactly("orders-2");
        this.clock.advance(Duration.ofSeconds(5));
        this.scheduler.runDue();
        assertThat(this.ended).as("a grace ended early is not ended again").isEmpty();
    }

    @Test
    void registeringAgainEndsItsOwnGrace() {
        ServiceInstance last = add("orders-1", "UP");
        vanish("orders-1", last);
        ServiceInstance again = add("orders-1", "UP");
        synchronized (this.service) {
            this.grace.present(this.service, "orders-1");
            this.service.publish();
        }
        this.clock.advance(Duration.ofSeconds(5));
        this.scheduler.runDue();
        assertThat(this.service.instances()).containsExactly(again);
        assertThat(this.ended).isEmpty();
    }

    @Test
    void zeroGraceRemovesAtOnce() {
        RemovalGrace none = new RemovalGrace(Duration.ZERO, this.clock, null, (service) -> {
        });
        ServiceInstance last = add("orders-1", "UP");
        synchronized (this.service) {
            assertThat(none.vanished(this.service, "orders-1", this.service.byId.remove("orders-1"))).isFalse();
        }
        assertThat(this.service.byId).isEmpty();
        assertThat(last).isNotNull();
    }

    @Test
    void negativeGraceIsRejectedNamingTheProperty() {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> new RemovalGrace(Duration.ofSeconds(-1), this.clock, null, (service) -> {
                }))
                .withMessageContaining("meshkeeper.discovery.removal-grace").withMessageContaining("-1");
    }

    private ServiceInstance add(String id, String status) {
        ServiceInstance instance = new DefaultServiceInstance(id, "orders", "127.0.0.1", 8080, false,
                Map.of(InstanceMetadata.STATUS_KEY, status));
        synchronized (this.service) {
            this.service.byId.put(id, instance);
            this.service.publish();
        }
        return instance;
    }

    private boolean vanish(String id, ServiceInstance instance) {
        synchronized (this.service) {
            boolean lingers = this.grace.vanished(this.service, id, this.service.byId.remove(id));
            this.service.publish();
            return lingers;
        }
    }

    private List<String> ids() {
        return this.service.instances().stream().map(ServiceInstance::getInstanceId).toList();
    }
}
