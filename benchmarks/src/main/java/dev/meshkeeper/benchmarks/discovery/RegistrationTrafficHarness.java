package dev.meshkeeper.benchmarks.discovery;

import dev.meshkeeper.benchmarks.discovery.RegistrationPaths.Cycle;
import dev.meshkeeper.benchmarks.summary.BenchmarkResults;
import dev.meshkeeper.benchmarks.summary.Goal;
import dev.meshkeeper.benchmarks.summary.ProcessCounters;
import dev.meshkeeper.registry.server.RegistryServer;
import dev.meshkeeper.registry.server.RegistryServerSettings;
import dev.meshkeeper.registry.server.ServerStatistics;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.apache.curator.drivers.AdvancedTracerDriver;
import org.apache.curator.drivers.EventTrace;
import org.apache.curator.drivers.OperationTrace;
import org.apache.curator.framework.CuratorFramework;

/**
 * Counts what one register + deregister cycle costs on each path of {@link RegistrationBenchmark}, in one JVM and
 * one server: the ZooKeeper requests each client sends (by kind and path, through Curator's tracer driver), the
 * bytes they carry, and on the server the writes, reads, transaction log fsyncs and packets (through
 * {@link CountingMetricsProvider} and the server's own statistics). It then times the paths interleaved (rounds of
 * {@code cycles} cycles per path, taking turns, so that a change in the machine's load hits every path alike) and
 * prints, per path, the median cycle time, the process's CPU time and the voluntary context switches of all its
 * threads per cycle; the two like-for-like pairs go to the run's summary.
 * Run: {@code java -cp ... dev.meshkeeper.benchmarks.discovery.RegistrationTrafficHarness [rounds=10] [cycles=50]}.
 */
public final class RegistrationTrafficHarness {

    private RegistrationTrafficHarness() {
    }

    public static void main(String[] args) throws Exception {
        int rounds = (args.length > 0) ? Integer.parseInt(args[0]) : 10;
        int cycles = (args.length > 1) ? Integer.parseInt(args[1]) : 50;
        try (RegistryServer server = new RegistryServer(RegistryServerSettings.builder().bindAddress("127.0.0.1")
                .clientPort(0).dataDir(Files.createTempDirectory("meshkeeper-registration-traffic"))
                .zooKeeperProperty("metricsProvider.className", CountingMetricsProvider.class.getName()).build())) {
            server.start();
            try (RegistrationPaths paths = new RegistrationPaths(server.connectString())) {
                System.out.println("bytes of JSON written per registration: " + paths.payloadSizes());
                Tracer tracer = new Tracer();
                paths.application.getBean(CuratorFramework.class).getZookeeperClient().setTracerDriver(tracer);
                paths.curator.getZookeeperClient().setTracerDriver(tracer);
                paths.observer.getZookeeperClient().setTracerDriver(tracer);
                Map<String, Cycle> all = paths.all();
                for (Map.Entry<String, Cycle> path : all.entrySet()) {
                    count(server, tracer, path.getKey(), path.getValue(), cycles);
                }
                time(all, rounds, cycles);
            }
        }
    }

    private static void count(RegistryServer server, Tracer tracer, String name, Cycle cycle, int cycles)
            throws Exception {
        for (int i = 0; i < 20; i++) {
            cycle.run();
        }
        quiet(server);
        tracer.reset();
        Map<String, Long> before = CountingMetricsProvider.snapshot();
        long packetsBefore = server.statistics().map(ServerStatistics::packetsReceived).orElse(0L);
        for (int i = 0; i < cycles; i++) {
            cycle.run();
        }
        quiet(server);
        long packets = server.statistics().map(ServerStatistics::packetsReceived).orElse(0L) - packetsBefore;
        Map<String, Long> after = CountingMetricsProvider.snapshot();
        StringBuilder report = new StringBuilder();
        report.append(String.format(Locale.ROOT, "%n== %s: per cycle, average of %d cycles%n", name, cycles));
        report.append(String.format(Locale.ROOT, "  server: packets received %.2f%n", packets / (double) cycles));
        after.forEach((key, value) -> {
            long delta = value - before.getOrDefault(key, 0L);
            if (delta != 0 && interesting(key)) {
                report.append(String.format(Locale.ROOT, "  server: %-60s %10.2f%n", key, delta / (double) cycles));
            }
        });
        tracer.counts.forEach((key, value) -> report.append(String.format(Locale.ROOT,
                "  client: %-90s %8.2f requests, %8.1f request bytes%n", key, value[0].sum() / (double) cycles,
                value[1].sum() / (double) cycles)));
        report.append("  the first requests, in order:\n");
        tracer.first.forEach(line -> report.append("    ").append(line).append('\n'));
        System.out.print(report);
    }

    /**
     * The server's counts that say what a cycle cost: transaction log fsyncs, writes and reads by top-level path,
     * bytes in and out, and the watch notifications sent.
     */
    private static boolean interesting(String key) {
        return !key.endsWith(".sum") && (key.startsWith("fsync") || key.contains("per_namespace")
                || key.startsWith("bytes_received") || key.startsWith("response_bytes") || key.startsWith("watch_bytes")
                || key.matches("node_\\w+_watch_count\\.count"));
    }

    /** Waits until the server has had no request for 300 ms, so a cycle's consequences are counted with it. */
    private static void quiet(RegistryServer server) throws InterruptedException {
        long last = -1;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < deadline) {
            long now = server.statistics().map(ServerStatistics::packetsReceived).orElse(0L);
            if (now == last) {
                return;
            }
            last = now;
            Thread.sleep(300);
        }
    }

    private static void time(Map<String, Cycle> all, int rounds, int cycles) throws Exception {
        com.sun.management.OperatingSystemMXBean os = (com.sun.management.OperatingSystemMXBean) ManagementFactory
                .getOperatingSystemMXBean();
        Map<String, List<double[]>> samples = new LinkedHashMap<>();
        all.keySet().forEach(name -> samples.put(name, new ArrayList<>()));
        Map<String, Map<String, Long>> threadCpu = new LinkedHashMap<>();
        String loadBefore = ProcessCounters.loadAverage();
        for (int round = -2; round < rounds; round++) {
            for (Map.Entry<String, Cycle> path : all.entrySet()) {
                long switches = ProcessCounters.voluntaryContextSwitches();
                Map<String, Long> threadsBefore = cpuByThreadGroup();
                long cpu = os.getProcessCpuTime();
                long start = System.nanoTime();
                for (int i = 0; i < cycles; i++) {
                    path.getValue().run();
                }
                long wall = System.nanoTime() - start;
                if (round >= 0) {
                    Map<String, Long> byGroup = threadCpu.computeIfAbsent(path.getKey(), key -> new TreeMap<>());
                    cpuByThreadGroup().forEach((group, nanos) -> byGroup.merge(group,
                            nanos - threadsBefore.getOrDefault(group, 0L), Long::sum));
                    samples.get(path.getKey()).add(new double[] { wall / 1000.0 / cycles,
                        (os.getProcessCpuTime() - cpu) / 1000.0 / cycles,
                        (ProcessCounters.voluntaryContextSwitches() - switches) / (double) cycles });
                }
            }
        }
        System.out.printf(Locale.ROOT, "%n== interleaved: medians of %d rounds of %d cycles per path (load average "
                + "before: %s, after: %s)%n", rounds, cycles, loadBefore, ProcessCounters.loadAverage());
        System.out.printf(Locale.ROOT, "  %-52s %10s %9s %8s %12s %10s%n", "path", "us/cycle", "cycles/s",
                "vs raw", "CPU us/cycle", "vol.sw/cycle");
        double raw = median(samples.get(RegistrationPaths.RAW), 0);
        samples.forEach((name, values) -> System.out.printf(Locale.ROOT, "  %-52s %10.0f %9.0f %7.2fx %12.0f %10.1f%n",
                name, median(values, 0), 1e6 / median(values, 0), raw / median(values, 0), median(values, 1),
                median(values, 2)));
        System.out.printf(Locale.ROOT, "%n== CPU time per cycle by thread (us; all rounds; threads of the same kind "
                + "summed, numbers left out of their names)%n");
        threadCpu.forEach((name, groups) -> {
            StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "  %-52s", name));
            groups.entrySet().stream().filter(group -> group.getValue() / 1000.0 / rounds / cycles >= 20)
                    .sorted(Map.Entry.<String, Long>comparingByValue().reversed()).forEach(group -> line.append(
                            String.format(Locale.ROOT, " %s %.0f;", group.getKey(),
                                    group.getValue() / 1000.0 / rounds / cycles)));
            System.out.println(line);
        });
        pair(samples, "discovery.register-deregister-interleaved", RegistrationPaths.STARTER,
                "raw-curator-with-cache-on-writing-client", RegistrationPaths.RAW_WATCHED);
        pair(samples, "discovery.register-deregister-interleaved.unwatched", RegistrationPaths.STARTER_UNWATCHED,
                "raw-curator", RegistrationPaths.RAW);
    }

    private static void pair(Map<String, List<double[]>> samples, String name, String path, String baseline,
            String baselinePath) {
        double value = 1e6 / median(samples.get(path), 0);
        double baselineValue = 1e6 / median(samples.get(baselinePath), 0);
        System.out.printf(Locale.ROOT, "  %s: %.0f against %.0f cycles/s (%.2fx); added per cycle: %.0f us CPU, "
                + "%.1f voluntary context switches%n", name, value, baselineValue, value / baselineValue,
                median(samples.get(path), 1) - median(samples.get(baselinePath), 1),
                median(samples.get(path), 2) - median(samples.get(baselinePath), 2));
        BenchmarkResults.record(name, "median cycles/s", "ops/s", value, baseline, baselineValue,
                Goal.ratioAtLeast(0.9));
    }

    private static double median(List<double[]> values, int index) {
        List<Double> sorted = new ArrayList<>();
        values.forEach(value -> sorted.add(value[index]));
        Collections.sort(sorted);
        return sorted.get(sorted.size() / 2);
    }

    /** CPU time so far of every live thread, summed by its name with the digits left out. */
    private static Map<String, Long> cpuByThreadGroup() {
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        Map<String, Long> byGroup = new HashMap<>();
        for (ThreadInfo info : threads.getThreadInfo(threads.getAllThreadIds())) {
            if (info != null) {
                long nanos = threads.getThreadCpuTime(info.getThreadId());
                if (nanos > 0) {
                    byGroup.merge(info.getThreadName().replaceAll("[0-9]+", "N"), nanos, Long::sum);
                }
            }
        }
        return byGroup;
    }

    /** Counts every request a traced Curator client sends, by client session, kind and path. */
    private static final class Tracer extends AdvancedTracerDriver {

        final Map<String, LongAdder[]> counts = new ConcurrentHashMap<>();

        final ConcurrentLinkedQueue<String> first = new ConcurrentLinkedQueue<>();

        volatile boolean recordFirst;

        void reset() {
            this.counts.clear();
            this.first.clear();
            this.recordFirst = true;
        }

        @Override
        public void addTrace(OperationTrace trace) {
            String key = String.format(Locale.ROOT, "session %x %s %s", trace.getSessionId() & 0xffff,
                    trace.getName(), trace.getPath());
            LongAdder[] value = this.counts.computeIfAbsent(key, k -> new LongAdder[] { new LongAdder(),
                new LongAdder() });
            value[0].increment();
            value[1].add(trace.getRequestBytesLength());
            if (this.recordFirst && this.first.size() < 8) {
                this.first.add(key + " rc=" + trace.getReturnCode() + " bytes=" + trace.getRequestBytesLength()
                        + " watch=" + trace.isWithWatcher() + " latency=" + trace.getLatencyMs() + "ms");
            }
        }

        @Override
        public void addEvent(EventTrace trace) {
        }
    }
}
