package dev.meshkeeper.lock;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

import dev.meshkeeper.lock.LockNotAcquiredException.Reason;
import dev.meshkeeper.registry.junit.EmbeddedRegistry;
import dev.meshkeeper.registry.junit.RegistryHandle;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A lock not granted says why: its wait ran out while held elsewhere, the thread was interrupted, or all of
 * {@code meshkeeper.lock.max-holds} stayed in use. (ZooKeeper being away is covered by {@link ClusterLockContract}.)
 */
@EmbeddedRegistry
@Timeout(60)
class LockNotAcquiredReasonTests {

    private OwnClientLocks participant;

    private CuratorDistributedLocks locks;

    @BeforeEach
    void start(RegistryHandle registry) throws InterruptedException {
        this.participant = OwnClientLocks.start(registry, 1, "reasons");
        this.locks = this.participant.locks();
    }

    @AfterEach
    void stop() {
        Thread.interrupted();
        this.participant.close();
    }

    @Test
    void aLockHeldElsewhereUntilTheWaitEndsIsATimeout() throws Exception {
        String name = "reason-timeout-" + System.nanoTime();
        try (LockLease held = this.locks.mutex(name).acquire(Duration.ofSeconds(10))) {
            assertThatExceptionOfType(LockNotAcquiredException.class)
                    .isThrownBy(() -> this.locks.mutex(name).callWithLock(Duration.ofMillis(300), lease -> 1))
                    .satisfies(ex -> {
                        assertThat(ex.getReason()).isEqualTo(Reason.TIMEOUT);
                        assertThat(ex.getLockName()).isEqualTo(name);
                        assertThat(ex.getWait()).isEqualTo(Duration.ofMillis(300));
                    });
        }
    }

    @Test
    void anInterruptedWaitIsInterruptedAndKeepsTheInterruptFlag() {
        String name = "reason-interrupted-" + System.nanoTime();
        Thread.currentThread().interrupt();
        assertThatExceptionOfType(LockNotAcquiredException.class)
                .isThrownBy(() -> this.locks.mutex(name).callWithLock(Duration.ofSeconds(5), lease -> 1))
                .satisfies(ex -> assertThat(ex.getReason()).isEqualTo(Reason.INTERRUPTED));
        assertThat(Thread.interrupted()).as("interrupt flag set again").isTrue();
    }

    @Test
    void anAcquisitionFindingEveryHoldInUseIsMaxHoldsReached() throws Exception {
        ClusterLock semaphore = this.locks.semaphore("reason-max-holds-" + System.nanoTime(), 10);
        try (LockLease only = semaphore.acquire(Duration.ofSeconds(10))) {
            assertThatExceptionOfType(LockNotAcquiredException.class)
                    .isThrownBy(() -> semaphore.acquire(Duration.ofMillis(300)))
                    .satisfies(ex -> assertThat(ex.getReason()).isEqualTo(Reason.MAX_HOLDS_REACHED));
            assertThatExceptionOfType(LockNotAcquiredException.class)
                    .isThrownBy(() -> this.locks.mutex("reason-max-holds-mutex").acquire(Duration.ofMillis(300)))
                    .satisfies(ex -> assertThat(ex.getReason()).isEqualTo(Reason.MAX_HOLDS_REACHED));
        }
    }
}
