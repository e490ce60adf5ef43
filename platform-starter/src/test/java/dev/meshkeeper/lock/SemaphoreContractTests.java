package dev.meshkeeper.lock;

/** The {@link ClusterLockContract} for a semaphore of one permit. */
class SemaphoreContractTests extends ClusterLockContract {

    @Override
    ClusterLock lock(DistributedLocks locks, String name) {
        return locks.semaphore(name, 1);
    }

    @Override
    ClusterLock excluding(DistributedLocks locks, String name) {
        return locks.semaphore(name, 1);
    }
}
