package dev.meshkeeper.lock;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.recipes.locks.InterProcessMutex;
import org.apache.curator.framework.recipes.locks.StandardLockInternalsDriver;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.data.Stat;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A held mutex: this process's lock node, first in Curator's {@code InterProcessMutex} order. The lock node is
 * created with the listing of the lock sent right behind it ({@link LockNode}); when the node is first in line the
 * lock is granted on the calling thread with the fencing token from that listing (the lock parent's {@code pzxid}),
 * in the two requests Curator's own uncontended acquisition makes. Otherwise Curator's mutex takes the node over
 * and waits for its turn on a pooled thread (so that the caller's wait stays bounded however long Curator
 * retries); the token of a lock granted that way is the lock parent's {@code pzxid} read after the grant (at least
 * the zxid that deleted the previous holder's node). The hold pins no thread.
 * <p>
 * Curator's mutex belongs to the thread that acquired it, while a lease may be closed by any thread and a hold is
 * handed between local threads, so the hold is given back as Curator's own release does it, by a guaranteed delete
 * of the lock node, issued by whichever thread releases it. Hand-off writes are issued by the handing thread.
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
        if (deadline - System.nanoTime() <= 0) {
            return null;
        }
        RecipeThreads threads = context.threads();
        threads.reserve(deadline, path);
        CompletableFuture<Void> interrupted = context.leases().interruptionAfter(epoch);
        LockNode node = null;
        long token;
        try {
            node = LockNode.create(context.curator(), path, data);
            token = node.await(Math.min(deadline, System.nanoTime() + context.operationTimeout().toNanos()),
                    interrupted);
        }
        catch (Exception ex) {
            if (node != null) {
                node.abandon();
            }
            threads.free();
            throw ex;
        }
        if (token > 0) {
            return new MutexHold(context, node.path(), token, epoch);
        }
        if (token < 0) {
            logger.debug("Lock node under {} was not created within meshkeeper.zookeeper.operation-timeout ({}) or "
                    + "the connection was interrupted; not acquired", path, context.operationTimeout());
            threads.free();
            return null;
        }
        return queued(context, path, data, node, deadline, epoch, interrupted);
    }

    /** Curator's mutex takes the lock node over and waits on a pooled thread until it is first in line. */
    private static MutexHold queued(LockContext context, String path, byte[] data, LockNode node, long deadline,
            long epoch, CompletableFuture<Void> interrupted) throws Exception {
        CuratorFramework curator = context.curator();
        RecipeThreads threads = context.threads();
        HolderMutex mutex = new HolderMutex(curator, path, data, node.path());
        CompletableFuture<MutexHold> pending;
        try {
            pending = threads.call(() -> {
                long remaining = deadline - System.nanoTime();
                if (remaining <= 0) {
                    node.abandon();
                    return null;
                }
                // Curator deletes the node itself when its wait ends without the lock
                if (!mutex.acquire(remaining, TimeUnit.NANOSECONDS)) {
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
            node.abandon();
            threads.free();
            throw ex;
        }
        pending.whenComplete((hold, ex) -> {
            if (hold == null) {
                threads.free();
            }
        });
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
     * Releases the ZooKeeper lock (once): sends the deletion of the lock node, guaranteed as Curator's release makes
     * it (retried in the background after a connection loss), without waiting for its answer. ZooKeeper applies it
     * before any later request of this session, so this process's next acquisition finds the lock free; other
     * processes hear of it through their watch, as after Curator's release.
     */
    void release() {
        if (!this.released.compareAndSet(false, true)) {
            return;
        }
        try {
            this.context.curator().delete().guaranteed().inBackground((client, event) -> {
                this.context.threads().free();
                KeeperException.Code code = KeeperException.Code.get(event.getResultCode());
                if (code == KeeperException.Code.CONNECTIONLOSS || code == KeeperException.Code.SESSIONEXPIRED) {
                    logger.debug("Lock node {} not deleted yet ({}); the guaranteed delete is retried, and ZooKeeper "
                            + "removes the node when the session ends", this.node, code);
                }
                else if (code != KeeperException.Code.OK && code != KeeperException.Code.NONODE) {
                    logger.warn("Could not delete lock node {} ({}); it holds the lock until this application's "
                            + "ZooKeeper session ends", this.node, code);
                }
            }).forPath(this.node);
        }
        catch (Exception ex) {
            this.context.threads().free();
            logger.warn("Could not send the deletion of lock node {} ({}); ZooKeeper removes it when the session ends",
                    this.node, ex.toString());
        }
    }

    /** Curator's mutex over a lock node created already, with the holder data for any node it creates itself. */
    static final class HolderMutex extends InterProcessMutex {

        private final byte[] data;

        HolderMutex(CuratorFramework client, String path, byte[] data, String node) {
            super(client, path, new AdoptedNode(node));
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
     * Curator's standard lock driver whose first creation is the lock node created already; a creation Curator
     * retries (the node vanished with an expired session) makes a new node as usual.
     */
    static final class AdoptedNode extends StandardLockInternalsDriver {

        private final AtomicReference<String> node;

        AdoptedNode(String node) {
            this.node = new AtomicReference<>(node);
        }

        @Override
        public String createsTheLock(CuratorFramework client, String path, byte[] lockNodeBytes) throws Exception {
            String adopted = this.node.getAndSet(null);
            return (adopted != null) ? adopted : super.createsTheLock(client, path, lockNodeBytes);
        }
    }
}
