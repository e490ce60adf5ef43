package dev.meshkeeper.lock;

/** The {@link ClusterLockContract} for a mutex. */
class MutexContractTests extends ClusterLockContract {

    @Override
    ClusterLock lock(DistributedLocks locks, String name) {
        return locks.mutex(name);
    }

    @Override
    ClusterLock excluding(DistributedLocks locks, String name) {
        return locks.mutex(name);
    }
}
