package dev.meshkeeper.lock;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.curator.framework.recipes.locks.InterProcessLock;

/**
 * One or more Curator lock holds pinned to one {@link RecipeThread} (a write lock and the read lock it was
 * downgraded to share the thread, as Curator requires). The thread is freed when the last hold is released.
 */
final class RecipeHold {

    private final LockContext context;

    private final RecipeThread thread;

    private final String path;

    private final AtomicInteger holds = new AtomicInteger();

    private RecipeHold(LockContext context, RecipeThread thread, String path) {
        this.context = context;
        this.thread = thread;
        this.path = path;
    }

    /**
     * A hold on a thread of its own.
     * @throws MaxHoldsReachedException when no thread is freed before {@code deadline}
     */
    static RecipeHold start(LockContext context, String path, long deadline)
            throws InterruptedException, MaxHoldsReachedException {
        return new RecipeHold(context, context.threads().newThread(deadline, path), path);
    }

    /**
     * Acquires {@code lock} on the pinned thread before {@code deadline} and returns its fencing token: the zxid of
     * a write to the lock's parent node made after the grant (several holders may share a read lock or a
     * semaphore, so each needs a write of its own). {@code null} when not granted in time, or when the connection
     * was interrupted after {@code epoch}.
     */
    Long acquire(InterProcessLock lock, byte[] data, long deadline, long epoch) throws Exception {
        this.holds.incrementAndGet();
        CompletableFuture<Long> pending = this.thread.submit(() -> {
            long remaining = deadline - System.nanoTime();
            if (remaining <= 0 || !lock.acquire(remaining, TimeUnit.NANOSECONDS)) {
                return null;
            }
            try {
                return this.context.curator().setData().forPath(this.path, data).getMzxid();
            }
            catch (Exception ex) {
                lock.release();
                throw ex;
            }
        });
        pending.whenComplete((token, ex) -> {
            if (token == null) {
                dropped();
            }
        });
        return RecipeThread.await(pending, deadline, this.context.leases().interruptionAfter(epoch), token -> release(lock));
    }

    /** Releases {@code lock} on the pinned thread; waits for it only while connected. */
    void release(InterProcessLock lock) {
        CompletableFuture<Object> released = this.thread.submit(() -> {
            lock.release();
            return null;
        });
        dropped();
        if (!this.thread.isCurrent()) {
            this.context.awaitRelease(released, this.path);
        }
    }

    private void dropped() {
        if (this.holds.decrementAndGet() == 0) {
            this.thread.finish();
        }
    }
}
