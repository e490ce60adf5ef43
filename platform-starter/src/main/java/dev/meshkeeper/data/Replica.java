package dev.meshkeeper.data;

import dev.meshkeeper.zookeeper.ZooKeeperUnavailableException;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.api.BackgroundCallback;
import org.apache.curator.framework.api.CuratorEvent;
import org.apache.curator.framework.api.CuratorEventType;
import org.apache.curator.framework.recipes.watch.PersistentWatcher;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.WatchedEvent;
import org.apache.zookeeper.Watcher;
import org.apache.zookeeper.data.Stat;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The local replica of one name: a Curator {@link PersistentWatcher} on its node (recursive for a map) feeds it,
 * and every time the watch is (re-)established the replica reads the node again in full. All changes, whether from
 * a watch event, a resync read or the answer to this instance's own write, are applied on ZooKeeper's event thread
 * in the order the server answered, so the replica only moves forward; the modification zxid guards the rest.
 * <p>
 * Stale from the moment the connection is suspended until a resync that began after the last suspension finishes.
 */
abstract class Replica implements AutoCloseable {

    private static final Logger logger = LoggerFactory.getLogger(Replica.class);

    final DataContext context;

    final String name;

    final String path;

    final DataKind kind;

    private final PersistentWatcher watcher;

    /** When the replica became stale, {@code null} while fresh. */
    private final AtomicReference<Instant> staleSince;

    /** Counts suspensions: a resync makes the replica fresh only if none happened while it ran. */
    private final AtomicLong epoch = new AtomicLong();

    private final CompletableFuture<Void> firstSync = new CompletableFuture<>();

    private volatile boolean undecodableReported;

    Replica(DataContext context, String name, DataKind kind, boolean recursive) {
        this.context = context;
        this.name = name;
        this.path = context.paths.of(name);
        this.kind = kind;
        this.staleSince = new AtomicReference<>(context.clock.instant());
        this.watcher = new PersistentWatcher(curator(), this.path, recursive);
    }

    final CuratorFramework curator() {
        return this.context.requests.curator();
    }

    /** Starts watching and waits for the first full read, at most the operation timeout. */
    void start() {
        this.watcher.getListenable().addListener(this::received);
        this.watcher.getResetListenable().addListener(this::watchEstablished);
        this.watcher.start();
        Duration timeout = this.context.requests.timeout().multipliedBy(5);
        try {
            this.firstSync.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        }
        catch (TimeoutException | ExecutionException ex) {
            close();
            throw new ZooKeeperUnavailableException("read", this.path, Duration.ZERO,
                    "the first read of shared data '" + this.name + "' did not finish within " + timeout, ex);
        }
        catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            close();
            throw new ZooKeeperUnavailableException("read", this.path, Duration.ZERO, "interrupted", ex);
        }
    }

    @Override
    public void close() {
        this.watcher.close();
    }

    /** The connection was suspended or lost: the replica may fall behind from now on. */
    final void suspended(Instant now) {
        this.epoch.incrementAndGet();
        this.staleSince.compareAndSet(null, now);
    }

    final boolean isStale() {
        return this.staleSince.get() != null;
    }

    /** How long the replica has been stale, {@code null} while fresh. */
    final Duration staleFor() {
        Instant since = this.staleSince.get();
        if (since == null) {
            return null;
        }
        Duration stale = Duration.between(since, this.context.clock.instant());
        return stale.isNegative() ? Duration.ZERO : stale;
    }

    final <T> Versioned<T> withStaleness(Versioned<T> versioned) {
        Duration stale = staleFor();
        return (stale != null) ? versioned.staleFor(stale) : versioned;
    }

    private void watchEstablished() {
        long started = this.epoch.get();
        resync(() -> {
            if (this.epoch.get() == started) {
                this.staleSince.set(null);
            }
            this.firstSync.complete(null);
            logger.debug("Shared data '{}' resynchronised", this.name);
        });
    }

    private void received(WatchedEvent event) {
        if (event.getType() != Watcher.Event.EventType.None) {
            changed(event);
        }
    }

    /** Reads the node (and its children) in full, applies what it finds, then runs {@code done}. */
    abstract void resync(Runnable done);

    /** A watch event for the node or, for a map, below it. */
    abstract void changed(WatchedEvent event);

    /** Reads {@code znode} in the background; the answer is applied by {@code found} or {@code absent}. */
    final void read(String znode, Applier found, Runnable absent, Runnable after) {
        try {
            curator().getData().inBackground((client, event) -> {
                int code = event.getResultCode();
                if (code == KeeperException.Code.OK.intValue()) {
                    found.apply(event.getStat(), event.getData());
                }
                else if (code == KeeperException.Code.NONODE.intValue()) {
                    absent.run();
                }
                else {
                    logger.debug("Reading shared data '{}' at {} ended with {}; the next resync reads it again",
                            this.name, znode, KeeperException.Code.get(code));
                    return;
                }
                if (after != null) {
                    after.run();
                }
            }).forPath(znode);
        }
        catch (Exception ex) {
            logger.debug("Could not read shared data '{}' at {}: {}", this.name, znode, ex.toString());
        }
    }

    /** An expected version that matches any version (ZooKeeper's -1 for setData). */
    static final int ANY_VERSION = Integer.MIN_VALUE;

    /**
     * A compare-and-set of {@code znode} in one request: {@link Versioned#ABSENT} creates, {@link #ANY_VERSION}
     * overwrites whatever is there. The answer is applied on the event thread before the caller sees it.
     * @return the written node's stat, or {@code null} if ZooKeeper holds another version (or none, or already one)
     */
    final Stat compareAndWrite(String label, String znode, int expectedVersion, byte[] json, Applier applier) {
        return compareAndWrite(label, znode, expectedVersion, json, applier, false);
    }

    /**
     * As {@link #compareAndWrite(String, String, int, byte[], Applier)}; {@code persistentParents} creates missing
     * parents as persistent nodes (a map's node must outlive its last entry) instead of containers.
     */
    final Stat compareAndWrite(String label, String znode, int expectedVersion, byte[] json, Applier applier,
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
    final CuratorEvent readFresh(String label, String znode, Applier applier, Runnable absent) {
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
    final boolean delete(String label, String znode, Runnable applier) {
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
                else if (Replica.this.context.disconnects() != this.disconnectsBefore) {
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

    /** Keeps the last good value of something that did not decode; says so once per name. */
    final void undecodable(String label, Stat stat, IllegalStateException ex) {
        this.context.undecodable.increment();
        if (!this.undecodableReported) {
            this.undecodableReported = true;
            logger.warn("{} (version {}); keeping the last good value. Further undecodable payloads of '{}' are "
                    + "counted in meshkeeper.data.undecodable", ex.getMessage(), stat.getVersion(), this.name);
        }
        else {
            logger.debug("Undecodable payload of shared data '{}' version {}", label, stat.getVersion());
        }
    }

    /** The type of the values, as the application opened the name. */
    abstract Class<?> type();

    /** Describes the replica for the {@code data} section of the meshkeeper endpoint. */
    abstract java.util.Map<String, Object> describe();

    /** Applies data read or written at a node. */
    @FunctionalInterface
    interface Applier {

        void apply(Stat stat, byte[] data);
    }
}
