package dev.meshkeeper.config;

import dev.meshkeeper.zookeeper.ZooKeeperConnectionMonitor;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.curator.framework.state.ConnectionState;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.cloud.context.refresh.ContextRefresher;

/**
 * Holds back a full configuration refresh ({@link ContextRefresher#refresh()} or
 * {@link ContextRefresher#refreshEnvironment()}, which {@code /actuator/refresh} and a {@code RefreshEvent} call)
 * while the application's ZooKeeper connection is down, and runs it once when the connection returns.
 * <p>
 * Why: the refresh re-runs Spring Cloud Zookeeper's config loader, which waits for ZooKeeper (tens of seconds with
 * the default connection settings) before it gives up and keeps the old values. Held back, the call returns at once
 * with no changed keys, the {@code Environment} and every bean keep their last values, and the refresh asked for
 * runs on its own thread at the next CONNECTED or RECONNECTED. Several refreshes asked for during one outage run as
 * one. A refresh asked for in the instant between the loss of the connection and the client noticing it still
 * waits for the config loader.
 */
final class RefreshDeferral implements SmartInitializingSingleton, DisposableBean {

    private static final Logger logger = LoggerFactory.getLogger(RefreshDeferral.class);

    /** What is held back; FULL includes ENVIRONMENT. */
    enum Pending {
        NONE, ENVIRONMENT, FULL
    }

    private final ObjectProvider<ZooKeeperConnectionMonitor> monitor;

    private final ObjectProvider<ContextRefresher> refresher;

    private final AtomicReference<Pending> pending = new AtomicReference<>(Pending.NONE);

    private volatile AutoCloseable subscription;

    private final ExecutorService executor = Executors.newSingleThreadExecutor((runnable) -> {
        Thread thread = new Thread(runnable, "meshkeeper-config-deferred-refresh");
        thread.setDaemon(true);
        return thread;
    });

    RefreshDeferral(ObjectProvider<ZooKeeperConnectionMonitor> monitor, ObjectProvider<ContextRefresher> refresher) {
        this.monitor = monitor;
        this.refresher = refresher;
    }

    /**
     * Holds the refresh back when ZooKeeper is unreachable.
     * @param full whether a full refresh (environment and refresh scope) was asked for, else the environment only
     * @return whether it was held back; the caller then answers "no keys changed"
     */
    boolean deferIfDisconnected(boolean full) {
        ZooKeeperConnectionMonitor current = this.monitor.getIfAvailable();
        if (current == null || current.isConnected()) {
            return false;
        }
        Pending asked = full ? Pending.FULL : Pending.ENVIRONMENT;
        Pending before = this.pending.getAndUpdate((held) -> (held.compareTo(asked) >= 0) ? held : asked);
        if (before == Pending.NONE) {
            logger.warn("A configuration refresh was asked for while ZooKeeper is unreachable (connection "
                    + current.currentState() + "): the configuration keeps its last values and the refresh runs "
                    + "when the connection returns");
        }
        return true;
    }

    /** What is held back now. */
    Pending pending() {
        return this.pending.get();
    }

    /** Follows the connection through the application's one connection monitor. */
    @Override
    public void afterSingletonsInstantiated() {
        ZooKeeperConnectionMonitor current = this.monitor.getIfAvailable();
        if (current != null) {
            this.subscription = current.subscribe((client, state) -> connectionChanged(state));
        }
    }

    private void connectionChanged(ConnectionState state) {
        if (state.isConnected() && this.pending.get() != Pending.NONE) {
            try {
                this.executor.execute(this::runPending);
            }
            catch (RejectedExecutionException ex) {
                // Shutting down: nothing to refresh any more.
            }
        }
    }

    private void runPending() {
        Pending held = this.pending.getAndSet(Pending.NONE);
        ContextRefresher contextRefresher = this.refresher.getIfAvailable();
        if (held == Pending.NONE || contextRefresher == null) {
            return;
        }
        try {
            // Through the bean, so that a connection lost again meanwhile holds it back again.
            Set<String> keys = (held == Pending.FULL) ? contextRefresher.refresh()
                    : contextRefresher.refreshEnvironment();
            if (this.pending.get() == Pending.NONE) {
                logger.info("Ran the configuration refresh held back while ZooKeeper was unreachable; changed keys: "
                        + keys);
            }
        }
        catch (RuntimeException ex) {
            logger.warn("The configuration refresh held back while ZooKeeper was unreachable failed: " + ex, ex);
        }
    }

    @Override
    public void destroy() throws Exception {
        AutoCloseable current = this.subscription;
        if (current != null) {
            current.close();
        }
        this.executor.shutdownNow();
    }
}
