package dev.meshkeeper.lock;

/**
 * No ZooKeeper hold was freed for a new acquisition within its wait: all {@code meshkeeper.lock.max-holds} were in
 * use. Internal to the acquire path, which reports it as {@link LockNotAcquiredException.Reason#MAX_HOLDS_REACHED}.
 */
final class MaxHoldsReachedException extends Exception {

    MaxHoldsReachedException(String lockPath, int maxHolds) {
        super("meshkeeper.lock.max-holds (" + maxHolds + ") stayed reached while waiting for the lock at " + lockPath,
                null, false, false);
    }
}
