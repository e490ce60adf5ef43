package dev.meshkeeper.registry.zookeeper;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BiConsumer;
import org.apache.zookeeper.metrics.CounterSet;
import org.apache.zookeeper.metrics.GaugeSet;
import org.apache.zookeeper.metrics.MetricsContext;
import org.apache.zookeeper.metrics.Summary;
import org.apache.zookeeper.metrics.SummarySet;

/**
 * ZooKeeper's own metrics as Micrometer meters named {@code zookeeper.<ZooKeeper's name>}: counters stay counters,
 * gauges are read at each scrape, summaries become distribution summaries (with 50th/90th/99th percentiles for
 * ZooKeeper's advanced ones), and the keyed sets carry their key in a {@code key} tag.
 * <p>
 * One bridge lives as long as the application context, across server restarts: ZooKeeper registers its gauges
 * again at every start, and a gauge of a stopped server reads NaN. ZooKeeper reaches the bridge through
 * {@link MicrometerMetricsProvider}, which it instantiates by class name and which finds the bridge by the id
 * passed in {@code metricsProvider.registry}.
 */
final class ZooKeeperMetricsBridge implements MetricsContext, AutoCloseable {

    static final String PREFIX = "zookeeper.";

    private static final Map<String, ZooKeeperMetricsBridge> BRIDGES = new ConcurrentHashMap<>();

    private final String id = UUID.randomUUID().toString();

    private final MeterRegistry registry;

    private final Map<String, Counter> counters = new ConcurrentHashMap<>();

    private final Map<String, DistributionSummary> summaries = new ConcurrentHashMap<>();

    private final Map<String, AtomicReference<org.apache.zookeeper.metrics.Gauge>> gauges = new ConcurrentHashMap<>();

    private final Map<String, AtomicReference<GaugeSet>> gaugeSets = new ConcurrentHashMap<>();

    private final Set<String> names = ConcurrentHashMap.newKeySet();

    ZooKeeperMetricsBridge(MeterRegistry registry) {
        this.registry = registry;
        BRIDGES.put(this.id, this);
    }

    static ZooKeeperMetricsBridge named(String id) {
        return (id != null) ? BRIDGES.get(id) : null;
    }

    /** The raw ZooKeeper settings that make the embedded server report to this bridge. */
    Map<String, String> zooKeeperProperties() {
        return Map.of("metricsProvider.className", MicrometerMetricsProvider.class.getName(),
                "metricsProvider." + MicrometerMetricsProvider.REGISTRY, this.id);
    }

    /** ZooKeeper's names of every metric bridged so far. */
    Set<String> names() {
        return new TreeSet<>(this.names);
    }

    @Override
    public MetricsContext getContext(String name) {
        // ZooKeeper's own providers keep one flat namespace; so does the bridge.
        return this;
    }

    @Override
    public org.apache.zookeeper.metrics.Counter getCounter(String name) {
        Counter counter = this.counters.computeIfAbsent(name, (key) -> register(key,
                Counter.builder(PREFIX + key).description("ZooKeeper counter " + key).register(this.registry)));
        return new org.apache.zookeeper.metrics.Counter() {

            @Override
            public void add(long delta) {
                if (delta > 0) {
                    counter.increment(delta);
                }
            }

            @Override
            public long get() {
                return (long) counter.count();
            }
        };
    }

    @Override
    public CounterSet getCounterSet(String name) {
        register(name, null);
        return (key, delta) -> {
            if (delta > 0) {
                Counter.builder(PREFIX + name).description("ZooKeeper counter set " + name).tag("key", key)
                        .register(this.registry).increment(delta);
            }
        };
    }

    @Override
    public void registerGauge(String name, org.apache.zookeeper.metrics.Gauge gauge) {
        this.gauges.computeIfAbsent(name, (key) -> {
            AtomicReference<org.apache.zookeeper.metrics.Gauge> holder = new AtomicReference<>();
            Gauge.builder(PREFIX + key, holder, ZooKeeperMetricsBridge::read)
                    .description("ZooKeeper gauge " + key).register(this.registry);
            return register(key, holder);
        }).set(gauge);
    }

    @Override
    public void unregisterGauge(String name) {
        AtomicReference<org.apache.zookeeper.metrics.Gauge> holder = this.gauges.get(name);
        if (holder != null) {
            holder.set(null);
        }
    }

    @Override
    public void registerGaugeSet(String name, GaugeSet gaugeSet) {
        AtomicReference<GaugeSet> holder = this.gaugeSets.computeIfAbsent(name,
                (key) -> register(key, new AtomicReference<>()));
        holder.set(gaugeSet);
        // The keys present now become gauges; each reads its key from whatever set is registered at scrape time.
        Map<String, Number> values = gaugeSet.values();
        for (String key : (values != null) ? values.keySet() : Set.<String>of()) {
            Gauge.builder(PREFIX + name, holder, (set) -> value(set.get(), key))
                    .description("ZooKeeper gauge set " + name).tag("key", key).register(this.registry);
        }
    }

    @Override
    public void unregisterGaugeSet(String name) {
        AtomicReference<GaugeSet> holder = this.gaugeSets.get(name);
        if (holder != null) {
            holder.set(null);
        }
    }

    @Override
    public Summary getSummary(String name, DetailLevel detailLevel) {
        DistributionSummary summary = this.summaries.computeIfAbsent(name,
                (key) -> register(key, summary(key, detailLevel, null)));
        return summary::record;
    }

    @Override
    public SummarySet getSummarySet(String name, DetailLevel detailLevel) {
        register(name, null);
        return (key, value) -> summary(name, detailLevel, key).record(value);
    }

    /** Every bridged value in ZooKeeper's {@code mntr} naming, for its monitoring commands. */
    void dump(BiConsumer<String, Object> sink) {
        this.counters.forEach((name, counter) -> sink.accept(name, (long) counter.count()));
        this.gauges.forEach((name, holder) -> sink.accept(name, read(holder)));
        this.summaries.forEach((name, summary) -> {
            sink.accept("avg_" + name, summary.mean());
            sink.accept("max_" + name, summary.max());
            sink.accept("cnt_" + name, summary.count());
            sink.accept("sum_" + name, summary.totalAmount());
        });
    }

    private DistributionSummary summary(String name, DetailLevel detailLevel, String key) {
        DistributionSummary.Builder builder = DistributionSummary.builder(PREFIX + name)
                .description("ZooKeeper summary " + name);
        if (key != null) {
            builder.tag("key", key);
        }
        if (detailLevel == DetailLevel.ADVANCED) {
            builder.publishPercentiles(0.5, 0.9, 0.99);
        }
        return builder.register(this.registry);
    }

    private <T> T register(String name, T meter) {
        this.names.add(name);
        return meter;
    }

    private static double read(AtomicReference<org.apache.zookeeper.metrics.Gauge> holder) {
        org.apache.zookeeper.metrics.Gauge gauge = holder.get();
        Number value = (gauge != null) ? gauge.get() : null;
        return (value != null) ? value.doubleValue() : Double.NaN;
    }

    private static double value(GaugeSet set, String key) {
        Number value = (set != null && set.values() != null) ? set.values().get(key) : null;
        return (value != null) ? value.doubleValue() : Double.NaN;
    }

    @Override
    public void close() {
        BRIDGES.remove(this.id);
    }
}
