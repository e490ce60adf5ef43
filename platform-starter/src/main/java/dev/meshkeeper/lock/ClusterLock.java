package dev.meshkeeper.lock;

import java.time.Duration;
import java.util.Optional;

/**
 * A lock shared by every process that uses the same name under the same ZooKeeper root. Obtained from
 * {@link DistributedLocks}; cheap to look up again.
 * <p>
 * When ZooKeeper is unreachable no lease is granted: {@link #tryAcquire(Duration)} returns empty at once when the
 * connection is known to be down, and never later than its wait otherwise.
 */
public interface ClusterLock {

    /** The lock's name. */
    String name();

    /**
     * Waits until the lock is granted, however long that takes (while ZooKeeper is unreachable it keeps waiting).
     * @throws InterruptedException when the calling thread is interrupted while waiting
     * @deprecated a wait without a bound can hold a thread for as long as another process holds the lock or
     * ZooKeeper is away; use {@link #acquire(Duration)} or {@link #tryAcquire(Duration)}
     */
    @Deprecated
    LockLease acquire() throws InterruptedException;

    /**
     * Waits at most {@code timeout} for the lock, as {@link #tryAcquire(Duration)} does, and reports a lock not
     * granted by an exception. Fails at once while the connection to ZooKeeper is down (a lock is a write: it is
     * never granted without ZooKeeper), and never later than {@code timeout} (plus scheduling noise) otherwise.
     * @throws LockNotAcquiredException when the lock is not granted within {@code timeout} (held elsewhere, or
     * ZooKeeper unreachable; {@link LockNotAcquiredException#getReason()} says which)
     * @throws InterruptedException when the calling thread is interrupted while waiting
     */
    default LockLease acquire(Duration timeout) throws InterruptedException {
        Acquisition acquisition = Acquisition.of(this, timeout);
        if (acquisition.lease() != null) {
            return acquisition.lease();
        }
        if (Thread.interrupted()) {
            throw new InterruptedException("interrupted while waiting for lock '" + name() + "'");
        }
        throw new LockNotAcquiredException(name(), timeout, acquisition.reason());
    }

    /**
     * Waits at most {@code wait} for the lock. Returns within the wait (plus scheduling noise) even when ZooKeeper
     * is unreachable, and returns empty at once when the connection is not up. An interrupt ends the wait early
     * (empty, with the thread's interrupt flag set again).
     */
    Optional<LockLease> tryAcquire(Duration wait);

    /**
     * Runs {@code callback} under the lock, released afterwards.
     * @throws LockNotAcquiredException when the lock is not granted within {@code wait} (an interrupt while
     * waiting included: {@link LockNotAcquiredException.Reason#INTERRUPTED}, with the interrupt flag set again)
     * @throws Exception whatever the callback throws
     */
    default <T> T callWithLock(Duration wait, LockedCallback<T> callback) throws Exception {
        Acquisition acquisition = Acquisition.of(this, wait);
        LockLease lease = acquisition.asOptional()
                .orElseThrow(() -> new LockNotAcquiredException(name(), wait, acquisition.reason()));
        try (lease) {
            return callback.call(lease);
        }
    }
}
