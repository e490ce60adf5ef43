package dev.meshkeeper.lock;

import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.recipes.locks.InterProcessMutex;
import org.apache.curator.framework.recipes.locks.StandardLockInternalsDriver;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.data.Stat;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A held Curator {@link InterProcessMutex}. The fencing token of a fresh hold is the lock parent's {@code pzxid} read
 * after the lock is granted: it is at least the zxid that deleted the previous holder's node, hence above every
 * token issued before, and costs one read.
 * <p>
 * Curator's blocking acquisition runs on a pooled thread (so that the caller's wait stays bounded however long
 * Curator retries); the hold pins no thread afterwards. Curator's mutex belongs to the thread that acquired it, while
 * a lease may be closed by any thread and a hold is handed between local threads, so the hold is given back as
 * Curator's own release does it, by a guaranteed delete of the lock node, issued by whichever thread releases it;
 * the mutex object is per hold and dropped with it. Hand-off writes are issued by the handing thread likewise.
 * <p>
 * The lock node's creation is waited for at most the operation timeout; a creation given up on deletes its node
 * the moment it completes (the node would otherwise queue ahead of every other participant until this process's
 * session ends).
 */
final class MutexHold {

    private static final Logger logger = LoggerFactory.getLogger(MutexHold.class);

    private final LockContext context;

    private final String node;

    private final long token;

    private final long epoch;

    private final AtomicInteger handOffs = new AtomicInteger();

    private final AtomicBoolean released = new AtomicBoolean();

    private MutexHold(LockContext context, String node, long token, long epoch) {
        this.context = context;
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
        RecipeThreads threads = context.threads();
        threads.reserve(deadline, path);
        LockNodeCreation creation = new LockNodeCreation();
        HolderMutex mutex = new HolderMutex(curator, path, data, creation);
        CompletableFuture<MutexHold> pending;
        try {
            pending = threads.call(() -> {
                long remaining = deadline - System.nanoTime();
                if (remaining <= 0 || !mutex.acquire(remaining, TimeUnit.NANOSECONDS)) {
                    return null;
                }
                try {
                    Stat parent = curator.checkExists().forPath(path);
                    if (parent == null) {
                        throw new IllegalStateException("lock parent " + path + " vanished while its lock was held");
                    }
                    return new MutexHold(context, mutex.lockNode(), parent.getPzxid(), epoch);
                }
                catch (Exception ex) {
                    mutex.release();
                    throw ex;
                }
            });
        }
        catch (RuntimeException ex) {
            threads.free();
            throw ex;
        }
        pending.whenComplete((hold, ex) -> {
            if (hold == null) {
                threads.free();
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
        CompletableFuture<Long> pending = new CompletableFuture<>();
        try {
            this.context.curator().setData().inBackground((client, event) -> {
                if (event.getResultCode() == KeeperException.Code.OK.intValue()) {
                    pending.complete(event.getStat().getMzxid());
                }
                else {
                    pending.completeExceptionally(
                            KeeperException.create(KeeperException.Code.get(event.getResultCode()), this.node));
                }
            }).forPath(this.node, data);
            return RecipeThread.await(pending, deadline, this.context.leases().interruptionAfter(this.epoch), token -> {
            });
        }
        catch (Exception ex) {
            logger.debug("Hand-off of lock node {} failed, acquiring afresh: {}", this.node, ex.toString());
            return null;
        }
    }

    /**
     * Releases the ZooKeeper lock (once): deletes the lock node, guaranteed as Curator's release does (retried in
     * the background after a connection loss); waits for it only while connected.
     */
    void release() {
        if (!this.released.compareAndSet(false, true)) {
            return;
        }
        CompletableFuture<Void> deleted = new CompletableFuture<>();
        deleted.whenComplete((done, ex) -> this.context.threads().free());
        try {
            this.context.curator().delete().guaranteed().inBackground((client, event) -> deleted.complete(null))
                    .forPath(this.node);
        }
        catch (Exception ex) {
            deleted.completeExceptionally(ex);
        }
        // The delete's callback comes on the client's event thread: a lease closed there must not wait for it.
        if (!Thread.currentThread().getName().endsWith("-EventThread")) {
            this.context.awaitRelease(deleted, this.node);
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
                // not woken by the creation itself: a granted lock follows it within two round trips
                CompletableFuture.anyOf(acquisition, interrupted)
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
