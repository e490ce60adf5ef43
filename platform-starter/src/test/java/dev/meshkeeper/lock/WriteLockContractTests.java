package dev.meshkeeper.lock;

/** The {@link ClusterLockContract} for a write lock (excluding the read lock). */
class WriteLockContractTests extends ClusterLockContract {

    @Override
    ClusterLock lock(DistributedLocks locks, String name) {
        return locks.readWrite(name).writeLock();
    }

    @Override
    ClusterLock excluding(DistributedLocks locks, String name) {
        return locks.readWrite(name).readLock();
    }
}
