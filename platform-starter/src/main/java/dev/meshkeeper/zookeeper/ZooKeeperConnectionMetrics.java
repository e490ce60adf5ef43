package dev.meshkeeper.zookeeper;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.util.Locale;
import org.apache.curator.framework.state.ConnectionState;

/**
 * {@code meshkeeper.zookeeper.connection} (one gauge per state, 1 for the current one) and counters of
 * suspensions, losses and reconnects.
 */
class ZooKeeperConnectionMetrics implements MeterBinder {

    private final ZooKeeperConnectionMonitor monitor;

    ZooKeeperConnectionMetrics(ZooKeeperConnectionMonitor monitor) {
        this.monitor = monitor;
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        for (ConnectionState state : ConnectionState.values()) {
            Gauge.builder("meshkeeper.zookeeper.connection", this.monitor,
                    monitor -> (monitor.currentState() == state) ? 1 : 0)
                    .description("1 for the current state of the ZooKeeper connection")
                    .tag("state", state.name().toLowerCase(Locale.ROOT)).register(registry);
        }
        FunctionCounter.builder("meshkeeper.zookeeper.connection.suspensions", this.monitor,
                ZooKeeperConnectionMonitor::suspensions).description("Times the ZooKeeper connection was suspended")
                .register(registry);
        FunctionCounter.builder("meshkeeper.zookeeper.connection.losses", this.monitor,
                ZooKeeperConnectionMonitor::losses).description("Times the ZooKeeper session was lost")
                .register(registry);
        FunctionCounter.builder("meshkeeper.zookeeper.connection.reconnects", this.monitor,
                ZooKeeperConnectionMonitor::reconnects).description("Times the ZooKeeper connection came back")
                .register(registry);
    }
}
