package dev.meshkeeper.lock;

import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.recipes.locks.InterProcessLock;
import org.apache.curator.framework.recipes.locks.InterProcessSemaphoreV2;
import org.apache.curator.framework.recipes.locks.Lease;

/** A permit of Curator's {@link InterProcessSemaphoreV2} seen as a lock, so that semaphores share the lease machinery. */
final class SemaphoreLock implements InterProcessLock {

    private final InterProcessSemaphoreV2 semaphore;

    private volatile Lease lease;

    SemaphoreLock(CuratorFramework curator, String path, int permits, byte[] data) {
        this.semaphore = new InterProcessSemaphoreV2(curator, path, permits);
        this.semaphore.setNodeData(data);
    }

    @Override
    public void acquire() throws Exception {
        this.lease = this.semaphore.acquire();
    }

    @Override
    public boolean acquire(long time, TimeUnit unit) throws Exception {
        this.lease = this.semaphore.acquire(time, unit);
        return this.lease != null;
    }

    @Override
    public void release() throws Exception {
        Lease current = this.lease;
        this.lease = null;
        if (current != null) {
            current.close();
        }
    }

    @Override
    public boolean isAcquiredInThisProcess() {
        return this.lease != null;
    }
}
