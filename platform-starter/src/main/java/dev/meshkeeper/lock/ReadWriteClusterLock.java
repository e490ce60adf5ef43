package dev.meshkeeper.lock;

import java.time.Duration;
import java.util.Optional;

/**
 * A read-write lock (Curator's {@code InterProcessReadWriteLock}): many readers or one writer. No writer enters
 * while any read lease is held, including a read lease obtained by {@link #downgrade(LockLease, Duration)}.
 */
public interface ReadWriteClusterLock {

    String name();

    ClusterLock readLock();

    ClusterLock writeLock();

    /**
     * Turns a held write lease into a read lease without letting another writer in between: the read lease is
     * granted before the write lease is released. The write lease is closed on success.
     * @return the read lease, or empty when it could not be obtained within {@code wait} (the write lease is then
     * still held)
     * @throws IllegalArgumentException when {@code writeLease} is not a valid write lease of this lock
     */
    Optional<LockLease> downgrade(LockLease writeLease, Duration wait);
}
