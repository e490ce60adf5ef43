package dev.meshkeeper.benchmarks.discovery;

import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.BiConsumer;
import org.apache.zookeeper.metrics.Counter;
import org.apache.zookeeper.metrics.CounterSet;
import org.apache.zookeeper.metrics.Gauge;
import org.apache.zookeeper.metrics.GaugeSet;
import org.apache.zookeeper.metrics.MetricsContext;
import org.apache.zookeeper.metrics.MetricsProvider;
import org.apache.zookeeper.metrics.Summary;
import org.apache.zookeeper.metrics.SummarySet;

/**
 * A ZooKeeper server metrics provider ({@code metricsProvider.className}) that counts: every counter's total, and
 * every summary's number of samples and their sum (e.g. {@code fsync_time}: one sample per fsync of the transaction
 * log; {@code write_per_namespace}: one sample per write, by top-level path). ZooKeeper's {@code ServerMetrics} are
 * JVM-wide: use it with one server per JVM.
 */
public final class CountingMetricsProvider implements MetricsProvider {

    private static final Map<String, LongAdder> VALUES = new ConcurrentHashMap<>();

    /**
     * A copy of the current totals: {@code name} for counters, {@code name.count} and {@code name.sum} for
     * summaries.
     */
    public static Map<String, Long> snapshot() {
        Map<String, Long> copy = new TreeMap<>();
        VALUES.forEach((name, value) -> copy.put(name, value.sum()));
        return copy;
    }

    private static LongAdder value(String name) {
        return VALUES.computeIfAbsent(name, key -> new LongAdder());
    }

    @Override
    public void configure(Properties properties) {
    }

    @Override
    public void start() {
    }

    @Override
    public MetricsContext getRootContext() {
        return new Context();
    }

    @Override
    public void stop() {
    }

    @Override
    public void dump(BiConsumer<String, Object> sink) {
        snapshot().forEach(sink);
    }

    @Override
    public void resetAllValues() {
        VALUES.clear();
    }

    private static final class Context implements MetricsContext {

        @Override
        public MetricsContext getContext(String name) {
            return this;
        }

        @Override
        public Counter getCounter(String name) {
            LongAdder total = value(name);
            return new Counter() {
                @Override
                public void add(long delta) {
                    total.add(delta);
                }

                @Override
                public long get() {
                    return total.sum();
                }
            };
        }

        @Override
        public CounterSet getCounterSet(String name) {
            return (key, delta) -> value(name + "." + key).add(delta);
        }

        @Override
        public void registerGauge(String name, Gauge gauge) {
        }

        @Override
        public void unregisterGauge(String name) {
        }

        @Override
        public void registerGaugeSet(String name, GaugeSet gaugeSet) {
        }

        @Override
        public void unregisterGaugeSet(String name) {
        }

        @Override
        public Summary getSummary(String name, DetailLevel detailLevel) {
            LongAdder count = value(name + ".count");
            LongAdder sum = value(name + ".sum");
            return sample -> {
                count.increment();
                sum.add(sample);
            };
        }

        @Override
        public SummarySet getSummarySet(String name, DetailLevel detailLevel) {
            return (key, sample) -> {
                value(name + "." + key + ".count").increment();
                value(name + "." + key + ".sum").add(sample);
            };
        }
    }
}
