package dev.meshkeeper.lock;

import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.api.CuratorEvent;
import org.apache.curator.framework.recipes.locks.LockInternals;
import org.apache.curator.framework.recipes.locks.StandardLockInternalsDriver;
import org.apache.curator.utils.ZKPaths;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;

/**
 * The lock node of one mutex acquisition, created as Curator's {@code InterProcessMutex} creates it (a protected,
 * ephemeral sequential {@code lock-} node under the lock's path, missing parents created as containers), with the
 * listing of the lock's children that Curator makes next sent right behind it, without waiting for the creation.
 * ZooKeeper answers one session's requests in order, so the listing shows the lock as it was just after the
 * creation, and both answers come back within one wait. When the new node is first in Curator's order the lock is
 * granted there and then; otherwise the node is handed to Curator's mutex, which waits for its turn
 * ({@link MutexHold}).
 * <p>
 * The fencing token of a lock granted this way is the lock parent's {@code pzxid} in the listing: the zxid of the
 * latest creation or deletion of a child, at least the deletion of the previous holder's node (absent from the
 * listing), so above every token issued before (tokens are zxids of writes made while a node was held, and a
 * parent reaped and created again starts with a {@code pzxid} above them all), and below every later one (the next
 * holder is granted after this node's deletion; a local hand-off's token is a later write).
 */
final class LockNode {

    /** The lock name of Curator's {@code InterProcessMutex}: its nodes are {@code lock-} plus a sequence. */
    static final String LOCK_NAME = "lock-";

    private static final StandardLockInternalsDriver ORDER = new StandardLockInternalsDriver();

    private final CuratorFramework curator;

    private final String path;

    /** The node's path once created; completed exceptionally when the caller gave up on the creation. */
    private final CompletableFuture<String> created = new CompletableFuture<>();

    private final CompletableFuture<CuratorEvent> listed = new CompletableFuture<>();

    private LockNode(CuratorFramework curator, String path) {
        this.curator = curator;
        this.path = path;
    }

    /** Sends the creation of a lock node under {@code path} and, right behind it, the listing of the lock. */
    static LockNode create(CuratorFramework curator, String path, byte[] data) throws Exception {
        LockNode node = new LockNode(curator, path);
        curator.create().creatingParentContainersIfNeeded().withProtection().withMode(CreateMode.EPHEMERAL_SEQUENTIAL)
                .inBackground((client, event) -> node.createdAs(event)).forPath(ZKPaths.makePath(path, LOCK_NAME),
                        data);
        curator.getChildren().inBackground((client, event) -> node.listed.complete(event)).forPath(path);
        return node;
    }

    private void createdAs(CuratorEvent event) {
        if (event.getResultCode() != KeeperException.Code.OK.intValue()) {
            this.created.completeExceptionally(
                    KeeperException.create(KeeperException.Code.get(event.getResultCode()), this.path));
        }
        else if (!this.created.complete(event.getName())) {
            delete(event.getName());
        }
    }

    /**
     * Waits, at most until {@code createdBy} (nanoTime) or the connection's interruption, for the node's creation
     * and the listing behind it.
     * @return the fencing token when the node is first in line (granted), {@code 0} when it was created behind
     * others or its place is not known yet ({@link #path()} then names it), {@code -1} when the creation did not
     * complete in time or was interrupted: the node is then deleted as soon as it exists
     * @throws Exception the creation's failure other than a lost connection (which gives {@code -1})
     */
    long await(long createdBy, CompletableFuture<?> interrupted) throws Exception {
        if (waitFor(this.listed, createdBy, interrupted) && this.created.isDone()
                && !this.created.isCompletedExceptionally()) {
            CuratorEvent listing = this.listed.join();
            if (listing.getResultCode() == KeeperException.Code.OK.intValue()) {
                String name = ZKPaths.getNodeFromPath(this.created.join());
                List<String> children = LockInternals.getSortedChildren(LOCK_NAME, ORDER, listing.getChildren());
                int index = children.indexOf(name);
                if (index == 0) {
                    return listing.getStat().getPzxid();
                }
                if (index > 0) {
                    return 0;
                }
            }
        }
        // the listing went ahead of a creation retried after creating the lock's parents, or it was not in time
        if (waitFor(this.created, createdBy, interrupted) || !giveUp()) {
            try {
                this.created.join();
            }
            catch (CompletionException ex) {
                if (ex.getCause() instanceof KeeperException.ConnectionLossException
                        || ex.getCause() instanceof KeeperException.SessionExpiredException) {
                    return -1;
                }
                throw (ex.getCause() instanceof Exception cause) ? cause : ex;
            }
            return 0;
        }
        return -1;
    }

    /** The node's path (once {@link #await} found it created). */
    String path() {
        return this.created.join();
    }

    /** Deletes the node now, or as soon as it is created. */
    void abandon() {
        if (!giveUp() && !this.created.isCompletedExceptionally()) {
            delete(this.created.join());
        }
    }

    /** Whether the caller gave up before the creation completed (the creation's answer then deletes the node). */
    private boolean giveUp() {
        return this.created.completeExceptionally(new CancellationException("lock node creation under " + this.path
                + " given up"));
    }

    private void delete(String node) {
        try {
            this.curator.delete().guaranteed().inBackground().forPath(node);
        }
        catch (Exception ex) {
            // a guaranteed delete retries by itself; failing to send it leaves the node to the session's end
        }
    }

    private static boolean waitFor(CompletableFuture<?> answer, long deadline, CompletableFuture<?> interrupted)
            throws InterruptedException {
        if (!answer.isDone()) {
            try {
                CompletableFuture.anyOf(answer, interrupted).get(Math.max(0, deadline - System.nanoTime()),
                        TimeUnit.NANOSECONDS);
            }
            catch (ExecutionException | TimeoutException ex) {
                // decided by the caller
            }
        }
        return answer.isDone();
    }
}
