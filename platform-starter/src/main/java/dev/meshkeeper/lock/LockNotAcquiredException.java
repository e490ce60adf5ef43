package dev.meshkeeper.lock;

import java.time.Duration;

/** A lock was not granted within its wait (contended, or ZooKeeper unreachable). */
public class LockNotAcquiredException extends RuntimeException {

    private final String lockName;

    private final Duration wait;

    public LockNotAcquiredException(String lockName, Duration wait) {
        super("lock '" + lockName + "' was not acquired within " + wait
                + " (held elsewhere or ZooKeeper unreachable); retry later or raise the wait");
        this.lockName = lockName;
        this.wait = wait;
    }

    public String getLockName() {
        return this.lockName;
    }

    public Duration getWait() {
        return this.wait;
    }
}
