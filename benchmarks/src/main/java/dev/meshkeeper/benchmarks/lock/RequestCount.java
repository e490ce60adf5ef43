package dev.meshkeeper.benchmarks.lock;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import org.apache.curator.drivers.AdvancedTracerDriver;
import org.apache.curator.drivers.EventTrace;
import org.apache.curator.drivers.OperationTrace;
import org.apache.curator.framework.CuratorFramework;
import org.apache.zookeeper.server.ServerMetrics;
import org.apache.zookeeper.server.metric.Metric;

/**
 * What one lock cycle asks of ZooKeeper, counted on both ends: on the client, Curator's traced operations by kind
 * (a Curator tracer on the contender's own client: {@code CreateBuilderImpl-Background} is one create sent in the
 * background, {@code ...-Foreground} one made on the calling thread); on the server in this JVM, the transaction
 * log's fsyncs and the reads and writes it served ({@link ServerMetrics}).
 */
final class RequestCount {

    private final Map<String, LongAdder> operations = new ConcurrentHashMap<>();

    /** Counts every operation of {@code client} from now on. */
    static RequestCount on(CuratorFramework client) {
        RequestCount count = new RequestCount();
        client.getZookeeperClient().setTracerDriver(new AdvancedTracerDriver() {

            @Override
            public void addTrace(OperationTrace trace) {
                count.operations.computeIfAbsent(trace.getName(), (name) -> new LongAdder()).increment();
            }

            @Override
            public void addEvent(EventTrace trace) {
            }
        });
        return count;
    }

    /** The client's operations so far, by kind. */
    Map<String, Long> operations() {
        Map<String, Long> snapshot = new TreeMap<>();
        this.operations.forEach((name, count) -> snapshot.put(name, count.sum()));
        return snapshot;
    }

    /** The server's fsyncs, writes and reads so far (the server runs in this JVM). */
    static long[] server() {
        ServerMetrics metrics = ServerMetrics.getMetrics();
        return new long[] { count(metrics.FSYNC_TIME), count(metrics.WRITE_PER_NAMESPACE),
                count(metrics.READ_PER_NAMESPACE) };
    }

    /** Sums the {@code cnt_} values of a summary (or a set of them) of ZooKeeper's default metrics provider. */
    private static long count(Object summary) {
        if (!(summary instanceof Metric metric)) {
            return 0;
        }
        long total = 0;
        for (Map.Entry<String, Object> value : metric.values().entrySet()) {
            if (value.getKey().startsWith("cnt_") && value.getValue() instanceof Number number) {
                total += number.longValue();
            }
        }
        return total;
    }
}
