package dev.meshkeeper.lock;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.meshkeeper.registry.junit.EmbeddedRegistry;
import dev.meshkeeper.registry.junit.RegistryHandle;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.RetryOneTime;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A {@code tryAcquire} waiting for the holder keeps the wait its caller asked for while connected, but ends with
 * "not acquired" the moment the connection is suspended, instead of waiting out the rest of it.
 */
@EmbeddedRegistry(dedicated = true)
@Timeout(120)
class LockWaitDuringOutageTests {

    private CuratorFramework holderCurator;

    private CuratorFramework waiterCurator;

    private DistributedLocks holder;

    private DistributedLocks waiter;

    @BeforeEach
    void start(RegistryHandle registry) throws InterruptedException {
        this.holderCurator = client(registry);
        this.waiterCurator = client(registry);
        this.holder = locks(this.holderCurator, "holder");
        this.waiter = locks(this.waiterCurator, "waiter");
    }

    @AfterEach
    void stop() {
        this.waiter.close();
        this.holder.close();
        this.waiterCurator.close();
        this.holderCurator.close();
    }

    @Test
    void aWaitForTheHolderEndsNotAcquiredWhenTheConnectionIsSuspended(RegistryHandle registry) throws Exception {
        Optional<LockLease> held = this.holder.mutex("outage-wait").tryAcquire(Duration.ofSeconds(10));
        assertThat(held).isPresent();
        assertThat(this.waiter.mutex("outage-wait").tryAcquire(Duration.ofMillis(500)))
                .as("the wait asked for is kept while connected").isEmpty();

        CompletableFuture<Optional<LockLease>> waiting = CompletableFuture
                .supplyAsync(() -> this.waiter.mutex("outage-wait").tryAcquire(Duration.ofSeconds(60)));
        // The waiter's node is queued behind the holder's before the outage begins.
        await().atMost(Duration.ofSeconds(10)).until(
                () -> this.holderCurator.getChildren().forPath("/meshkeeper/locks/outage-wait").size() == 2);
        long stoppedAt = System.nanoTime();
        registry.stop();

        Optional<LockLease> outcome = waiting.get(15, TimeUnit.SECONDS);
        Duration took = Duration.ofNanos(System.nanoTime() - stoppedAt);
        assertThat(outcome).as("not acquired").isEmpty();
        assertThat(took).as("the wait ended with the suspension, not after 60 s").isLessThan(Duration.ofSeconds(15));
        assertThat(this.waiter.mutex("outage-wait").tryAcquire(Duration.ofSeconds(30)))
                .as("refused at once while disconnected").isEmpty();
        registry.start();
    }

    private static CuratorFramework client(RegistryHandle registry) throws InterruptedException {
        CuratorFramework curator = CuratorFrameworkFactory.newClient(registry.connectString(), 20_000, 5_000,
                new RetryOneTime(100));
        curator.start();
        assertThat(curator.blockUntilConnected(10, TimeUnit.SECONDS)).isTrue();
        return curator;
    }

    private static DistributedLocks locks(CuratorFramework curator, String id) {
        return CuratorDistributedLocks.builder(curator).instanceId(() -> id).meterRegistry(new SimpleMeterRegistry())
                .build();
    }
}
