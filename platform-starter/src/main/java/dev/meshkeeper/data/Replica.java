package dev.meshkeeper.data;

import dev.meshkeeper.zookeeper.ZooKeeperConnectionMonitor;
import dev.meshkeeper.zookeeper.ZooKeeperUnavailableException;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.recipes.watch.PersistentWatcher;
import org.apache.curator.framework.state.ConnectionState;
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

    /** The subscription to the connection monitor while the replica runs. */
    private volatile ZooKeeperConnectionMonitor.Subscription connection;

    private volatile boolean undecodableReported;

    /** Set once the first full read is applied: what a name holds when it is opened is not a change to announce. */
    private volatile boolean loaded;

    final ConditionalWrites writes;

    Replica(DataContext context, String name, DataKind kind, boolean recursive) {
        this.context = context;
        this.name = name;
        this.path = context.paths.of(name);
        this.kind = kind;
        this.staleSince = new AtomicReference<>(context.clock.instant());
        this.watcher = new PersistentWatcher(curator(), this.path, recursive);
        this.writes = new ConditionalWrites(context);
    }

    final CuratorFramework curator() {
        return this.context.requests.curator();
    }

    /** Starts watching and waits for the first full read, at most the operation timeout. */
    void start() {
        this.connection = this.context.requests.monitor().subscribe(this::connectionChanged);
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
        ZooKeeperConnectionMonitor.Subscription subscription = this.connection;
        if (subscription != null) {
            subscription.close();
        }
        this.watcher.close();
    }

    private void connectionChanged(CuratorFramework client, ConnectionState state) {
        if (!state.isConnected()) {
            suspended(this.context.clock.instant());
        }
    }

    /** The connection was suspended or lost: the replica may fall behind from now on. */
    private void suspended(Instant now) {
        this.epoch.incrementAndGet();
        this.staleSince.compareAndSet(null, now);
    }

    /** Whether changes are announced to listeners: from the end of the first full read on. */
    final boolean announcing() {
        return this.loaded;
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
            this.loaded = true;
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
    abstract Map<String, Object> describe();

    /** Applies data read or written at a node. */
    @FunctionalInterface
    interface Applier {

        void apply(Stat stat, byte[] data);
    }
}
