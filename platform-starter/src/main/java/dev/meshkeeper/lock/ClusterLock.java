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
     */
    LockLease acquire() throws InterruptedException;

    /**
     * Waits at most {@code wait} for the lock. Returns within the wait (plus scheduling noise) even when ZooKeeper
     * is unreachable, and returns empty at once when the connection is not up. An interrupt ends the wait early
     * (empty, with the thread's interrupt flag set again).
     */
    Optional<LockLease> tryAcquire(Duration wait);

    /**
     * Runs {@code callback} under the lock, released afterwards.
     * @throws LockNotAcquiredException when the lock is not granted within {@code wait}
     * @throws Exception whatever the callback throws
     */
    default <T> T callWithLock(Duration wait, LockedCallback<T> callback) throws Exception {
        LockLease lease = tryAcquire(wait).orElseThrow(() -> new LockNotAcquiredException(name(), wait));
        try (lease) {
            return callback.call(lease);
        }
    }
}
