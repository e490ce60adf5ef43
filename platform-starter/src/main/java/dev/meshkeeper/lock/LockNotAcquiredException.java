package dev.meshkeeper.lock;

import java.time.Duration;

/**
 * A lock was not granted within its wait (contended, or ZooKeeper unreachable). {@link #getReason()} tells which
 * of the cases the lock told apart ended the wait.
 */
public class LockNotAcquiredException extends RuntimeException {

    private final String lockName;

    private final Duration wait;

    private final Reason reason;

    /** A lock not granted for a reason not known more precisely: {@link Reason#TIMEOUT}. */
    public LockNotAcquiredException(String lockName, Duration wait) {
        this(lockName, wait, Reason.TIMEOUT);
    }

    public LockNotAcquiredException(String lockName, Duration wait, Reason reason) {
        super("lock '" + lockName + "' was not acquired within " + wait
                + " (held elsewhere or ZooKeeper unreachable); retry later or raise the wait");
        this.lockName = lockName;
        this.wait = wait;
        this.reason = reason;
    }

    public String getLockName() {
        return this.lockName;
    }

    public Duration getWait() {
        return this.wait;
    }

    /** Why the lock was not granted. */
    public Reason getReason() {
        return this.reason;
    }

    /** Why a lock was not granted. */
    public enum Reason {

        /** The wait ended while the lock was held elsewhere (in this process or another). */
        TIMEOUT,

        /**
         * The connection to ZooKeeper was down when the acquisition began, or was suspended or lost during it: no
         * lock is granted without ZooKeeper.
         */
        ZOOKEEPER_UNAVAILABLE,

        /** The waiting thread was interrupted (its interrupt flag is set again). */
        INTERRUPTED,

        /**
         * All {@code meshkeeper.lock.max-holds} ZooKeeper holds of this process stayed in use for the whole wait;
         * release leases sooner or raise the property.
         */
        MAX_HOLDS_REACHED,

        /** ZooKeeper answered the acquisition with an error (logged at WARN with the lock's path). */
        ERROR
    }
}
