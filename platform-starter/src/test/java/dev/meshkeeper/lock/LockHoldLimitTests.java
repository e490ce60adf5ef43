package dev.meshkeeper.lock;

import static org.assertj.core.api.Assertions.assertThat;

import dev.meshkeeper.registry.junit.EmbeddedRegistry;
import dev.meshkeeper.registry.junit.RegistryHandle;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code meshkeeper.lock.max-holds} bounds the threads that pin ZooKeeper holds: once that many holds are taken, a
 * further acquisition waits within its own wait for one to be released, and is not acquired if none is.
 */
@EmbeddedRegistry
@Timeout(60)
class LockHoldLimitTests {

    private OwnClientLocks participant;

    private CuratorDistributedLocks locks;

    @BeforeEach
    void start(RegistryHandle registry) throws InterruptedException {
        this.participant = OwnClientLocks.start(registry, 2, "limited");
        this.locks = this.participant.locks();
    }

    @AfterEach
    void stop() {
        this.participant.close();
    }

    @Test
    void anAcquisitionBeyondMaxHoldsIsNotAcquiredWithinItsWaitEvenWhenTheLockIsFree() {
        ClusterLock semaphore = this.locks.semaphore("hold-limit-" + System.nanoTime(), 10);
        LockLease first = semaphore.tryAcquire(Duration.ofSeconds(10)).orElseThrow();
        LockLease second = semaphore.tryAcquire(Duration.ofSeconds(10)).orElseThrow();
        try {
            assertThat(semaphore.tryAcquire(Duration.ofMillis(300))).as("a third hold with max-holds=2").isEmpty();
            assertThat(this.locks.mutex("hold-limit-mutex").tryAcquire(Duration.ofMillis(300)))
                    .as("a mutex needs a hold of its own too").isEmpty();
        }
        finally {
            second.close();
        }
        try (LockLease third = semaphore.tryAcquire(Duration.ofSeconds(10)).orElseThrow()) {
            assertThat(third.isValid()).as("granted once a hold was released").isTrue();
        }
        first.close();
    }

    @Test
    void aWaitingAcquisitionGetsTheThreadOfAReleasedHold() throws Exception {
        ClusterLock semaphore = this.locks.semaphore("hold-limit-wait-" + System.nanoTime(), 10);
        LockLease first = semaphore.tryAcquire(Duration.ofSeconds(10)).orElseThrow();
        LockLease second = semaphore.tryAcquire(Duration.ofSeconds(10)).orElseThrow();
        CompletableFuture<Optional<LockLease>> waiting = CompletableFuture
                .supplyAsync(() -> semaphore.tryAcquire(Duration.ofSeconds(20)));
        assertThat(waiting).as("waits while both holds are taken").isNotCompleted();
        first.close();
        Optional<LockLease> third = waiting.get(20, TimeUnit.SECONDS);
        assertThat(third).as("granted with the released hold's thread").isPresent();
        third.get().close();
        second.close();
    }
}
