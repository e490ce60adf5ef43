package dev.meshkeeper.discovery;

import dev.meshkeeper.zookeeper.ZooKeeperConnectionMonitor;
import java.io.Closeable;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.WatcherRemoveCuratorFramework;
import org.apache.curator.framework.api.CuratorEvent;
import org.apache.curator.framework.state.ConnectionState;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.WatchedEvent;
import org.apache.zookeeper.Watcher;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The names of the services registered under the services root, held in memory and re-read in the background
 * whenever a ZooKeeper watch on the root reports a change or the connection returns; the first read starts at
 * once. A lookup never waits for ZooKeeper, except one made before the first read completed while connected, which
 * waits at most the first-read timeout; during an outage the last known names are returned (none if they were
 * never read).
 */
final class WatchedServiceNames implements Closeable {

    private static final Logger logger = LoggerFactory.getLogger(WatchedServiceNames.class);

    private final WatcherRemoveCuratorFramework watching;

    private final String root;

    private final ZooKeeperConnectionMonitor connection;

    private final AutoCloseable subscription;

    private final Duration firstReadTimeout;

    /** Hears every list of names read. */
    private final Consumer<List<String>> registered;

    /** The last names read, {@code null} until the first read succeeded. */
    private final AtomicReference<List<String>> names = new AtomicReference<>();

    /** The read in flight, if any: one at a time. */
    private final AtomicReference<CompletableFuture<List<String>>> reading = new AtomicReference<>();

    /** A change was reported while a read was in flight: read again once it is done. */
    private final AtomicBoolean readAgain = new AtomicBoolean();

    private final AtomicBoolean closed = new AtomicBoolean();

    /** One watcher object, so ZooKeeper keeps one watch however often the root is read. */
    private final Watcher watcher = this::rootChanged;

    WatchedServiceNames(CuratorFramework curator, String root, ZooKeeperConnectionMonitor connection,
            Duration firstReadTimeout) {
        this(curator, root, connection, firstReadTimeout, (names) -> {
        });
    }

    /** As above, telling {@code registered} of every list of names read, on Curator's event thread. */
    WatchedServiceNames(CuratorFramework curator, String root, ZooKeeperConnectionMonitor connection,
            Duration firstReadTimeout, Consumer<List<String>> registered) {
        this.registered = registered;
        this.watching = curator.newWatcherRemoveCuratorFramework();
        this.root = root;
        this.connection = connection;
        this.firstReadTimeout = firstReadTimeout;
        this.subscription = connection.subscribe((client, newState) -> connectionChanged(newState));
        if (connection.isConnected()) {
            read();
        }
    }

    List<String> names() {
        List<String> known = this.names.get();
        if (known != null || this.closed.get()) {
            return (known != null) ? known : List.of();
        }
        if (!this.connection.isConnected()) {
            return List.of();
        }
        try {
            return read().get(this.firstReadTimeout.toMillis(), TimeUnit.MILLISECONDS);
        }
        catch (TimeoutException | ExecutionException ex) {
            logger.debug("The services under " + this.root + " were not read within " + this.firstReadTimeout);
            return List.of();
        }
        catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            return List.of();
        }
    }

    private void connectionChanged(ConnectionState newState) {
        // A new session has lost the watch, and a change may have been missed while disconnected.
        if (newState == ConnectionState.RECONNECTED
                || (newState == ConnectionState.CONNECTED && this.names.get() == null)) {
            read();
        }
    }

    @Override
    public void close() {
        if (this.closed.compareAndSet(false, true)) {
            try {
                this.subscription.close();
            }
            catch (Exception ex) {
                logger.debug("Could not stop following the connection", ex);
            }
            this.watching.removeWatchers();
        }
    }

    private void rootChanged(WatchedEvent event) {
        if (event.getType() != Watcher.Event.EventType.None) {
            read();
        }
    }

    private CompletableFuture<List<String>> read() {
        CompletableFuture<List<String>> current = this.reading.get();
        if (current != null && !current.isDone()) {
            this.readAgain.set(true);
            return current;
        }
        CompletableFuture<List<String>> next = new CompletableFuture<>();
        if (this.closed.get() || !this.reading.compareAndSet(current, next)) {
            CompletableFuture<List<String>> other = this.reading.get();
            return (other != null) ? other : CompletableFuture.completedFuture(List.of());
        }
        try {
            this.watching.getChildren().usingWatcher(this.watcher)
                    .inBackground((client, event) -> answered(next, event)).forPath(this.root);
        }
        catch (Exception ex) {
            // The client is closed or closing.
            next.complete(known());
        }
        return next;
    }

    private void answered(CompletableFuture<List<String>> read, CuratorEvent event) throws Exception {
        KeeperException.Code code = KeeperException.Code.get(event.getResultCode());
        if (code == KeeperException.Code.OK) {
            List<String> registeredNames = List.copyOf(event.getChildren());
            this.names.set(registeredNames);
            this.registered.accept(registeredNames);
        }
        else if (code == KeeperException.Code.NONODE) {
            this.names.set(List.of());
            // Nothing is registered yet: hear of the root's creation.
            this.watching.checkExists().usingWatcher(this.watcher).inBackground().forPath(this.root);
        }
        else {
            // Keep the last known names; the returning connection reads them again.
            logger.debug("Could not read the services under " + this.root + " (" + code + ")");
        }
        read.complete(known());
        if (this.readAgain.getAndSet(false) && !this.closed.get()) {
            read();
        }
    }

    private List<String> known() {
        List<String> known = this.names.get();
        return (known != null) ? known : List.of();
    }
}
