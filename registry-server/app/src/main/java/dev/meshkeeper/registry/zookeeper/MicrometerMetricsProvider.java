package dev.meshkeeper.registry.zookeeper;

import java.util.Properties;
import java.util.function.BiConsumer;
import org.apache.zookeeper.metrics.MetricsContext;
import org.apache.zookeeper.metrics.MetricsProvider;
import org.apache.zookeeper.metrics.MetricsProviderLifeCycleException;

/**
 * ZooKeeper's metrics SPI, implemented over the registry's Micrometer {@code MeterRegistry}: the registry server
 * sets {@code metricsProvider.className} to this class, and ZooKeeper creates it by name at each server start.
 * It then reports every one of its own metrics to Micrometer, so they show on {@code /actuator/prometheus} as
 * {@code zookeeper_*}.
 * <p>
 * ZooKeeper holds its metrics provider in a JVM-wide static, so one registry server per JVM reports its figures.
 * Not for use outside the registry server: it finds its meter registry by the id the server passes in
 * {@code metricsProvider.registry}.
 */
public final class MicrometerMetricsProvider implements MetricsProvider {

    static final String REGISTRY = "registry";

    private volatile ZooKeeperMetricsBridge bridge;

    /** Called by ZooKeeper, which creates its metrics provider by class name. */
    public MicrometerMetricsProvider() {
    }

    @Override
    public void configure(Properties configuration) throws MetricsProviderLifeCycleException {
        String id = configuration.getProperty(REGISTRY);
        this.bridge = ZooKeeperMetricsBridge.named(id);
        if (this.bridge == null) {
            throw new MetricsProviderLifeCycleException("metricsProvider." + REGISTRY + " '" + id + "' names no "
                    + "meter registry of this registry server; remove the raw ZooKeeper settings "
                    + "metricsProvider.className and metricsProvider." + REGISTRY + " and let the registry server "
                    + "set them, or name another metrics provider");
        }
    }

    @Override
    public void start() {
    }

    @Override
    public MetricsContext getRootContext() {
        return this.bridge;
    }

    @Override
    public void stop() {
        // The meters outlive a server restart; the bridge's gauges read NaN until the next start registers them.
    }

    @Override
    public void dump(BiConsumer<String, Object> sink) {
        this.bridge.dump(sink);
    }

    @Override
    public void resetAllValues() {
        // Micrometer meters are cumulative: a scrape-based backend computes rates, so nothing is reset.
    }
}
