package dev.meshkeeper.lock;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.meshkeeper.registry.junit.EmbeddedRegistry;
import dev.meshkeeper.registry.junit.RegistryHandle;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.curator.drivers.AdvancedTracerDriver;
import org.apache.curator.drivers.EventTrace;
import org.apache.curator.drivers.OperationTrace;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * An uncontended mutex costs what Curator's {@code InterProcessMutex} costs: the lock node's creation and the
 * listing of the lock (sent together), then the node's deletion, and no further request for the fencing token,
 * which still exceeds every token issued before, local hand-offs included.
 */
@EmbeddedRegistry
@Timeout(60)
class UncontendedMutexTests {

    private OwnClientLocks first;

    private OwnClientLocks second;

    private final List<String> operations = new CopyOnWriteArrayList<>();

    @BeforeEach
    void start(RegistryHandle registry) throws InterruptedException {
        this.first = OwnClientLocks.start(registry, 8, "first");
        this.second = OwnClientLocks.start(registry, 8, "second");
        this.first.curator().getZookeeperClient().setTracerDriver(new AdvancedTracerDriver() {

            @Override
            public void addTrace(OperationTrace trace) {
                UncontendedMutexTests.this.operations.add(trace.getName());
            }

            @Override
            public void addEvent(EventTrace trace) {
            }
        });
    }

    @AfterEach
    void stop() {
        this.first.close();
        this.second.close();
    }

    @Test
    void anUncontendedAcquireAndReleaseSendsOnlyTheCreationTheListingAndTheDeletion() {
        ClusterLock mutex = this.first.locks().mutex("uncontended-" + UUID.randomUUID());
        // the first acquisition also creates the lock's parent nodes
        cycle(mutex);
        List<String> cycle = List.of();
        for (int attempt = 0; attempt < 5; attempt++) {
            cycle = cycle(mutex);
            if (!cycle.contains("CreateBuilderImpl-findProtectedNodeInForeground")) {
                break;
            }
            // the empty lock parent was reaped between two cycles, so the creation was retried after creating it
        }
        assertThat(cycle).containsExactly("CreateBuilderImpl-Background", "GetChildrenBuilderImpl-Background",
                "DeleteBuilderImpl-Background");
    }

    @Test
    void aLockGrantedFirstInLineHasATokenAboveThePreviousHoldersHandOffs() throws Exception {
        String name = "after-hand-offs-" + UUID.randomUUID();
        ClusterLock mutex = this.first.locks().mutex(name);
        LockLease held = mutex.tryAcquire(Duration.ofSeconds(10)).orElseThrow();
        CountDownLatch waiting = new CountDownLatch(1);
        CompletableFuture<Long> handedOff = CompletableFuture.supplyAsync(() -> {
            waiting.countDown();
            try (LockLease next = mutex.tryAcquire(Duration.ofSeconds(20)).orElseThrow()) {
                return next.fencingToken();
            }
        });
        assertThat(waiting.await(10, TimeUnit.SECONDS)).isTrue();
        await().atMost(Duration.ofSeconds(10)).until(() -> this.first.locks().waiters().containsKey(name));
        long freshToken = held.fencingToken();
        held.close();
        long handOffToken = handedOff.get(20, TimeUnit.SECONDS);
        assertThat(handOffToken).as("the hand-off's token").isGreaterThan(freshToken);
        try (LockLease later = this.second.locks().mutex(name).tryAcquire(Duration.ofSeconds(10)).orElseThrow()) {
            assertThat(later.fencingToken()).as("another process's lock granted first in line afterwards")
                    .isGreaterThan(handOffToken);
        }
    }

    /** One acquire + release; the client's operations from the acquisition to the deletion's answer. */
    private List<String> cycle(ClusterLock mutex) {
        this.operations.clear();
        try (LockLease lease = mutex.tryAcquire(Duration.ofSeconds(10)).orElseThrow()) {
            assertThat(lease.fencingToken()).isPositive();
        }
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(5))
                .until(() -> this.operations.contains("DeleteBuilderImpl-Background"));
        return List.copyOf(this.operations);
    }
}
