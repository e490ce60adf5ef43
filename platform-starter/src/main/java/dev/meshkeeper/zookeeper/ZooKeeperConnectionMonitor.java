package dev.meshkeeper.zookeeper;

import java.time.Clock;
import java.time.Instant;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.state.ConnectionState;
import org.apache.curator.framework.state.ConnectionStateListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.InitializingBean;
import org.springframework.context.ApplicationEventPublisher;

/**
 * Watches the application's single {@link CuratorFramework} connection (never opens one of its own): holds its
 * current state and when the current outage began, counts suspensions, losses and reconnects, and republishes every
 * change as a {@link ZooKeeperConnectionEvent}.
 * <p>
 * It is the one source of connection state for every feature: a feature that must react to a change (a lock that
 * becomes void at SUSPENDED, a leader that steps down) registers with {@link #subscribe} instead of listening to
 * Curator itself, so it sees the same state, in the same order, as every other feature and as
 * {@link #isConnected()}. The {@link #epoch() epoch} grows with every (re)connection, so a feature can tell
 * whether something it learned belongs to the current connection.
 */
public class ZooKeeperConnectionMonitor implements ConnectionStateListener, InitializingBean, DisposableBean {

    private static final Logger logger = LoggerFactory.getLogger(ZooKeeperConnectionMonitor.class);

    private final CuratorFramework curator;

    private final ApplicationEventPublisher publisher;

    private final Clock clock;

    /** The state and the start of the current outage, changed together. */
    private final AtomicReference<Snapshot> snapshot;

    private final AtomicLong suspensions = new AtomicLong();

    private final AtomicLong losses = new AtomicLong();

    private final AtomicLong reconnects = new AtomicLong();

    private final AtomicLong epoch = new AtomicLong();

    private final CopyOnWriteArrayList<ConnectionStateListener> subscribers = new CopyOnWriteArrayList<>();

    public ZooKeeperConnectionMonitor(CuratorFramework curator, ApplicationEventPublisher publisher) {
        this(curator, publisher, Clock.systemUTC());
    }

    public ZooKeeperConnectionMonitor(CuratorFramework curator, ApplicationEventPublisher publisher, Clock clock) {
        this.curator = curator;
        this.publisher = publisher;
        this.clock = clock;
        // Until the first connection, the application is in an outage that began when it started.
        this.snapshot = new AtomicReference<>(new Snapshot(null, clock.instant()));
    }

    @Override
    public void afterPropertiesSet() {
        this.curator.getConnectionStateListenable().addListener(this);
        // Curator tells listeners only of changes: a client connected before we listened never reports CONNECTED.
        if (this.curator.getZookeeperClient().isConnected()
                && this.snapshot.compareAndSet(this.snapshot.get(), new Snapshot(ConnectionState.CONNECTED, null))) {
            this.epoch.incrementAndGet();
        }
    }

    @Override
    public void destroy() {
        this.curator.getConnectionStateListenable().removeListener(this);
    }

    @Override
    public void stateChanged(CuratorFramework client, ConnectionState newState) {
        Instant now = this.clock.instant();
        Snapshot previous = this.snapshot.getAndUpdate(current -> new Snapshot(newState,
                newState.isConnected() ? null : (current.outageSince() != null) ? current.outageSince() : now));
        if (newState.isConnected() && (previous.state() == null || !previous.state().isConnected())) {
            this.epoch.incrementAndGet();
        }
        switch (newState) {
            case SUSPENDED -> {
                this.suspensions.incrementAndGet();
                logger.warn("ZooKeeper connection suspended ({}); locks and leadership are void until it returns",
                        client.getZookeeperClient().getCurrentConnectionString());
            }
            case LOST -> {
                this.losses.incrementAndGet();
                logger.warn("ZooKeeper session lost; ephemeral nodes of this instance are gone until it reconnects");
            }
            case RECONNECTED -> {
                this.reconnects.incrementAndGet();
                logger.info("ZooKeeper connection re-established");
            }
            default -> logger.debug("ZooKeeper connection state {}", newState);
        }
        for (ConnectionStateListener subscriber : this.subscribers) {
            try {
                subscriber.stateChanged(client, newState);
            }
            catch (RuntimeException ex) {
                logger.warn("A ZooKeeper connection subscriber failed on {}: {}", newState, ex.toString(), ex);
            }
        }
        this.publisher.publishEvent(new ZooKeeperConnectionEvent(this, previous.state(), newState));
    }

    /**
     * Calls {@code listener} on Curator's event thread with every state change, after this monitor has taken it in
     * (so {@link #isConnected()} and {@link #epoch()} already answer for the new state) and before the
     * {@link ZooKeeperConnectionEvent} is published. A listener must not block.
     * @param listener the listener
     * @return closing it stops the calls
     */
    public Subscription subscribe(ConnectionStateListener listener) {
        this.subscribers.add(listener);
        return () -> this.subscribers.remove(listener);
    }

    /** A subscription made with {@link #subscribe}; closing it (any number of times) stops the calls. */
    @FunctionalInterface
    public interface Subscription extends AutoCloseable {

        @Override
        void close();
    }

    /**
     * How many times the connection has been (re)established: 0 before the first connection, then one more at every
     * CONNECTED or RECONNECTED that follows a time without a connection. Something learned from ZooKeeper under one
     * epoch may be stale under the next.
     */
    public long epoch() {
        return this.epoch.get();
    }

    /** The last state Curator reported, or {@code null} before the first connection. */
    public ConnectionState currentState() {
        return this.snapshot.get().state();
    }

    /**
     * Whether the connection is up now (CONNECTED, RECONNECTED or READ_ONLY); before the first state change is heard,
     * whether the client is connected.
     */
    public boolean isConnected() {
        ConnectionState current = currentState();
        if (current == null) {
            // No state change heard yet: Curator tells listeners of changes only, and a connection made while
            // this monitor was starting may not have been reported yet. Ask the client itself.
            return this.curator.getZookeeperClient().isConnected();
        }
        return current.isConnected();
    }

    /**
     * When the current outage began (the first SUSPENDED after a connection, or the application's start if it
     * never connected), or {@code null} while connected.
     */
    public Instant outageSince() {
        return this.snapshot.get().outageSince();
    }

    public long suspensions() {
        return this.suspensions.get();
    }

    public long losses() {
        return this.losses.get();
    }

    public long reconnects() {
        return this.reconnects.get();
    }

    private record Snapshot(ConnectionState state, Instant outageSince) {
    }
}
