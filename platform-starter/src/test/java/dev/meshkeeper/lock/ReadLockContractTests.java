package dev.meshkeeper.lock;

/** The {@link ClusterLockContract} for a read lock (excluded by the write lock). */
class ReadLockContractTests extends ClusterLockContract {

    @Override
    ClusterLock lock(DistributedLocks locks, String name) {
        return locks.readWrite(name).readLock();
    }

    @Override
    ClusterLock excluding(DistributedLocks locks, String name) {
        return locks.readWrite(name).writeLock();
    }
}
