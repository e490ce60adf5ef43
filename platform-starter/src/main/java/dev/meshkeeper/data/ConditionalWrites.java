package dev.meshkeeper.data;

import dev.meshkeeper.zookeeper.ZooKeeperUnavailableException;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.apache.curator.framework.api.BackgroundCallback;
import org.apache.curator.framework.api.CuratorEvent;
import org.apache.curator.framework.api.CuratorEventType;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.data.Stat;

/**
 * The requests a replica makes for the application's threads, through
 * {@link dev.meshkeeper.zookeeper.ZooKeeperRequests} (refused at once while disconnected, bounded wait): conditional
 * writes, deletes and fresh reads. Each answer is applied to the replica on ZooKeeper's event thread, in order with
 * the watch, before the caller sees it.
 */
final class ConditionalWrites {

    /** An expected version that matches any version (ZooKeeper's -1 for setData). */
    static final int ANY_VERSION = Integer.MIN_VALUE;

    private final DataContext context;

    ConditionalWrites(DataContext context) {
        this.context = context;
    }

    /**
     * A compare-and-set of {@code znode} in one request: {@link Versioned#ABSENT} creates, {@link #ANY_VERSION}
     * overwrites whatever is there. The answer is applied on the event thread before the caller sees it.
     * @return the written node's stat, or {@code null} if ZooKeeper holds another version (or none, or already one)
     */
    Stat compareAndWrite(String label, String znode, int expectedVersion, byte[] json, Replica.Applier applier) {
        return compareAndWrite(label, znode, expectedVersion, json, applier, false);
    }

    /**
     * As {@link #compareAndWrite(String, String, int, byte[], Replica.Applier)}; {@code persistentParents} creates missing
     * parents as persistent nodes (a map's node must outlive its last entry) instead of containers.
     */
    Stat compareAndWrite(String label, String znode, int expectedVersion, byte[] json, Replica.Applier applier,
            boolean persistentParents) {
        InFlight inFlight = new InFlight(this.context.disconnects());
        try {
            CuratorEvent event;
            if (expectedVersion == Versioned.ABSENT) {
                event = this.context.requests.call("create", znode, (client, callback) -> (persistentParents
                        ? client.create().creatingParentsIfNeeded() : client.create().creatingParentContainersIfNeeded())
                        .inBackground(inFlight.answer(callback, stat -> applier.apply(stat, json)))
                        .forPath(znode, json));
            }
            else {
                int version = (expectedVersion == ANY_VERSION) ? -1 : expectedVersion;
                event = this.context.requests.call("set", znode, (client, callback) -> client.setData()
                        .withVersion(version).inBackground(inFlight.answer(callback, stat -> applier.apply(stat, json)))
                        .forPath(znode, json));
            }
            return (event.getStat() != null) ? event.getStat() : new Stat();
        }
        catch (KeeperException.BadVersionException | KeeperException.NodeExistsException
                | KeeperException.NoNodeException ex) {
            inFlight.check("write", znode, ex);
            this.context.conflicts.increment();
            return null;
        }
        catch (KeeperException ex) {
            throw refused(label, "write", znode, ex);
        }
    }

    /** Reads {@code znode} from the server now (not from the replica); {@code null} when it does not exist. */
    CuratorEvent readFresh(String label, String znode, Replica.Applier applier, Runnable absent) {
        try {
            return this.context.requests.call("read", znode, (client, callback) -> client.getData()
                    .inBackground((c, event) -> {
                        if (event.getResultCode() == KeeperException.Code.OK.intValue()) {
                            applier.apply(event.getStat(), event.getData());
                        }
                        else if (event.getResultCode() == KeeperException.Code.NONODE.intValue()) {
                            absent.run();
                        }
                        callback.processResult(c, event);
                    }).forPath(znode));
        }
        catch (KeeperException.NoNodeException ex) {
            return null;
        }
        catch (KeeperException ex) {
            throw refused(label, "read", znode, ex);
        }
    }

    /** Deletes {@code znode} whatever its version; {@code true} if this call deleted it. */
    boolean delete(String label, String znode, Runnable applier) {
        InFlight inFlight = new InFlight(this.context.disconnects());
        try {
            this.context.requests.call("delete", znode, (client, callback) -> client.delete()
                    .inBackground(inFlight.answer(callback, stat -> applier.run())).forPath(znode));
            return true;
        }
        catch (KeeperException.NoNodeException ex) {
            inFlight.check("delete", znode, ex);
            return false;
        }
        catch (KeeperException ex) {
            throw refused(label, "delete", znode, ex);
        }
    }

    /**
     * One write in flight. Curator sends a request again when its connection dropped; when the server then answers
     * that the node has another version, exists already or is gone, that may be the doing of the first attempt: the
     * outcome is unknown, and answering "conflict" (or "not removed") could be false.
     */
    private final class InFlight {

        private final long disconnectsBefore;

        private final AtomicBoolean retried = new AtomicBoolean();

        InFlight(long disconnectsBefore) {
            this.disconnectsBefore = disconnectsBefore;
        }

        /** Applies a successful answer and notes a drop before a refusal, on the event thread, then hands it on. */
        BackgroundCallback answer(BackgroundCallback callback, Consumer<Stat> onSuccess) {
            return (client, event) -> {
                if (event.getResultCode() == KeeperException.Code.OK.intValue()) {
                    if (event.getStat() != null || event.getType() == CuratorEventType.DELETE) {
                        onSuccess.accept(event.getStat());
                    }
                }
                else if (ConditionalWrites.this.context.disconnects() != this.disconnectsBefore) {
                    this.retried.set(true);
                }
                callback.processResult(client, event);
            };
        }

        void check(String operation, String znode, KeeperException answer) {
            if (this.retried.get()) {
                throw new ZooKeeperUnavailableException(operation, znode, Duration.ZERO, "the connection dropped "
                        + "while the request was in flight and ZooKeeper answered " + answer.code() + " to the retry, "
                        + "which may be the doing of the first attempt: the outcome is unknown", answer);
            }
        }
    }

    private static IllegalStateException refused(String label, String operation, String znode,
            KeeperException ex) {
        return new IllegalStateException("ZooKeeper refused to " + operation + " shared data '" + label + "' at "
                + znode + ": " + ex.code() + ((ex.code() == KeeperException.Code.NOAUTH)
                        ? "; the node belongs to another identity (see meshkeeper.zookeeper.authentication)" : ""),
                ex);
    }
}
