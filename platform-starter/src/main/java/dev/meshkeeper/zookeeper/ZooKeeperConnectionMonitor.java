package dev.meshkeeper.zookeeper;

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
 * current state, counts suspensions, losses and reconnects, and republishes every change as a
 * {@link ZooKeeperConnectionEvent}.
 */
public class ZooKeeperConnectionMonitor implements ConnectionStateListener, InitializingBean, DisposableBean {

    private static final Logger logger = LoggerFactory.getLogger(ZooKeeperConnectionMonitor.class);

    private final CuratorFramework curator;

    private final ApplicationEventPublisher publisher;

    private final AtomicReference<ConnectionState> state = new AtomicReference<>();

    private final AtomicLong suspensions = new AtomicLong();

    private final AtomicLong losses = new AtomicLong();

    private final AtomicLong reconnects = new AtomicLong();

    public ZooKeeperConnectionMonitor(CuratorFramework curator, ApplicationEventPublisher publisher) {
        this.curator = curator;
        this.publisher = publisher;
    }

    @Override
    public void afterPropertiesSet() {
        this.curator.getConnectionStateListenable().addListener(this);
        // Curator tells listeners only of changes: a client connected before we listened never reports CONNECTED.
        if (this.curator.getZookeeperClient().isConnected()) {
            this.state.compareAndSet(null, ConnectionState.CONNECTED);
        }
    }

    @Override
    public void destroy() {
        this.curator.getConnectionStateListenable().removeListener(this);
    }

    @Override
    public void stateChanged(CuratorFramework client, ConnectionState newState) {
        ConnectionState previous = this.state.getAndSet(newState);
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
        this.publisher.publishEvent(new ZooKeeperConnectionEvent(this, previous, newState));
    }

    /** The last state Curator reported, or {@code null} before the first connection. */
    public ConnectionState currentState() {
        return this.state.get();
    }

    /** Whether the connection is up now (CONNECTED, RECONNECTED or READ_ONLY). */
    public boolean isConnected() {
        ConnectionState current = this.state.get();
        return current != null && current.isConnected();
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
}
