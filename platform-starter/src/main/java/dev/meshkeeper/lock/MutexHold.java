package dev.meshkeeper.lock;

import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.recipes.locks.InterProcessMutex;
import org.apache.curator.framework.recipes.locks.StandardLockInternalsDriver;
import org.apache.zookeeper.data.Stat;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A held Curator {@link InterProcessMutex}, pinned to its {@link RecipeThread}. The fencing token of a fresh hold
 * is the lock parent's {@code pzxid} read after the lock is granted: it is at least the zxid that deleted the
 * previous holder's node, hence above every token issued before, and costs one read.
 * <p>
 * The lock node's creation is waited for at most the operation timeout; a creation given up on deletes its node
 * the moment it completes (the node would otherwise queue ahead of every other participant until this process's
 * session ends).
 */
final class MutexHold {

    private static final Logger logger = LoggerFactory.getLogger(MutexHold.class);

    private final LockContext context;

    private final RecipeThread thread;

    private final HolderMutex mutex;

    private final String node;

    private final long token;

    private final long epoch;

    private final AtomicInteger handOffs = new AtomicInteger();

    private MutexHold(LockContext context, RecipeThread thread, HolderMutex mutex, String node, long token,
            long epoch) {
        this.context = context;
        this.thread = thread;
        this.mutex = mutex;
        this.node = node;
        this.token = token;
        this.epoch = epoch;
    }

    /**
     * Acquires the ZooKeeper lock before {@code deadline} (nanoTime), or returns {@code null}: also when the lock
     * node is not created within the operation timeout, or when the connection is interrupted after {@code epoch}.
     */
    static MutexHold acquire(LockContext context, String path, byte[] data, long deadline, long epoch)
            throws Exception {
        CuratorFramework curator = context.curator();
        RecipeThread thread = context.threads().newThread(deadline, path);
        LockNodeCreation creation = new LockNodeCreation();
        HolderMutex mutex = new HolderMutex(curator, path, data, creation);
        CompletableFuture<MutexHold> pending = thread.submit(() -> {
            long remaining = deadline - System.nanoTime();
            if (remaining <= 0 || !mutex.acquire(remaining, TimeUnit.NANOSECONDS)) {
                return null;
            }
            try {
                Stat parent = curator.checkExists().forPath(path);
                if (parent == null) {
                    throw new IllegalStateException("lock parent " + path + " vanished while its lock was held");
                }
                return new MutexHold(context, thread, mutex, mutex.lockNode(), parent.getPzxid(), epoch);
            }
            catch (Exception ex) {
                mutex.release();
                throw ex;
            }
        });
        pending.whenComplete((hold, ex) -> {
            if (hold == null) {
                thread.finish();
            }
        });
        CompletableFuture<Void> interrupted = context.leases().interruptionAfter(epoch);
        long createdBy = Math.min(deadline, System.nanoTime() + context.operationTimeout().toNanos());
        if (!creation.await(pending, createdBy, interrupted)) {
            logger.debug("Lock node under {} was not created within meshkeeper.zookeeper.operation-timeout ({}) or "
                    + "the connection was interrupted; not acquired", path, context.operationTimeout());
            pending.thenAccept(hold -> {
                if (hold != null) {
                    hold.release();
                }
            });
            return null;
        }
        return RecipeThread.await(pending, deadline, interrupted, MutexHold::release);
    }

    long token() {
        return this.token;
    }

    long epoch() {
        return this.epoch;
    }

    int handOffs() {
        return this.handOffs.get();
    }

    /** Writes the next local holder into the lock node; the write's zxid is its token, {@code null} on failure. */
    Long handOff(byte[] data, long deadline) {
        this.handOffs.incrementAndGet();
        CompletableFuture<Long> pending = this.thread
                .submit(() -> this.context.curator().setData().forPath(this.node, data).getMzxid());
        try {
            return RecipeThread.await(pending, deadline, this.context.leases().interruptionAfter(this.epoch), token -> {
            });
        }
        catch (Exception ex) {
            logger.debug("Hand-off of lock node {} failed, acquiring afresh: {}", this.node, ex.toString());
            return null;
        }
    }

    /** Releases the ZooKeeper lock on its own thread; waits for it only while connected. */
    void release() {
        CompletableFuture<Object> released = this.thread.submit(() -> {
            this.mutex.release();
            return null;
        });
        this.thread.finish();
        if (!this.thread.isCurrent()) {
            this.context.awaitRelease(released, this.node);
        }
    }

    static final class HolderMutex extends InterProcessMutex {

        private final byte[] data;

        HolderMutex(CuratorFramework client, String path, byte[] data, LockNodeCreation creation) {
            super(client, path, creation);
            this.data = data;
        }

        @Override
        protected byte[] getLockNodeBytes() {
            return this.data;
        }

        String lockNode() {
            return getLockPath();
        }
    }

    /**
     * Curator's standard lock driver (protected-mode, sequential ephemeral nodes) that reports when the lock node is
     * created, and deletes it at once if the waiting caller gave up on the creation meanwhile.
     */
    static final class LockNodeCreation extends StandardLockInternalsDriver {

        private final CompletableFuture<String> created = new CompletableFuture<>();

        @Override
        public String createsTheLock(CuratorFramework client, String path, byte[] lockNodeBytes) throws Exception {
            String node = super.createsTheLock(client, path, lockNodeBytes);
            this.created.complete(node);
            if (this.created.isCompletedExceptionally()) {
                client.delete().guaranteed().inBackground().forPath(node);
                throw new CancellationException("lock node " + node + " was created after its caller gave up; "
                        + "deleted");
            }
            return node;
        }

        /**
         * Waits until the lock node exists, the acquisition ended otherwise, the connection was interrupted or
         * {@code deadline} (nanoTime) passed.
         * @return whether the acquisition goes on; {@code false} when the creation was given up on
         */
        boolean await(CompletableFuture<?> acquisition, long deadline, CompletableFuture<?> interrupted)
                throws InterruptedException {
            try {
                CompletableFuture.anyOf(this.created, acquisition, interrupted)
                        .get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            }
            catch (ExecutionException | TimeoutException ex) {
                // decided below
            }
            if (this.created.isDone() || acquisition.isDone()) {
                return true;
            }
            return !this.created.completeExceptionally(new CancellationException("lock node creation given up"));
        }
    }
}
