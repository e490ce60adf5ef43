package dev.meshkeeper.benchmarks.lock;

import dev.meshkeeper.benchmarks.summary.BenchmarkResults;
import dev.meshkeeper.benchmarks.summary.Goal;
import dev.meshkeeper.benchmarks.summary.ProcessCounters;
import dev.meshkeeper.lock.ClusterLock;
import dev.meshkeeper.lock.DistributedLocks;
import dev.meshkeeper.lock.LockLease;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.recipes.locks.InterProcessMutex;

/**
 * The per-cycle cost of an uncontended acquire + release of Meshkeeper's mutex over Curator's
 * {@code InterProcessMutex}, shown directly rather than through throughput alone: the two take turns in short rounds
 * on the same ZooKeeper server, and each round reports wall time, the CPU time of the whole process (the server,
 * both clients and the lock threads, so the difference between the two is the added work) and the threads'
 * voluntary context switches (Linux: summed over {@code /proc/self/task}; a thread that blocks to wait for another,
 * as at every hand-off, switches voluntarily; the involuntary ones grow with the machine's load and are left out),
 * per cycle. Medians of the rounds; the ratio is Curator's wall time over Meshkeeper's (a throughput ratio). A second
 * table shows what a cycle asks of ZooKeeper and allocates, totalled over the measured rounds: each contender's
 * Curator operations by kind ({@link RequestCount}, a tracer on its own client), the server's writes, reads and
 * transaction-log fsyncs, and the bytes allocated by every thread of the process.
 *
 * <pre>java -cp benchmarks/target/meshkeeper-benchmarks.jar \
 *     dev.meshkeeper.benchmarks.lock.LockCpuTimeComparison [rounds] [cycles-per-round]</pre>
 */
public final class LockCpuTimeComparison {

    private LockCpuTimeComparison() {
    }

    public static void main(String[] args) throws Exception {
        int rounds = (args.length > 0) ? Integer.parseInt(args[0]) : 30;
        int cycles = (args.length > 1) ? Integer.parseInt(args[1]) : 100;
        com.sun.management.OperatingSystemMXBean os = (com.sun.management.OperatingSystemMXBean) ManagementFactory
                .getOperatingSystemMXBean();
        try (LockBenchmarkEnvironment environment = new LockBenchmarkEnvironment()) {
            CuratorFramework meshkeeperClient = environment.newCurator();
            CuratorFramework curatorClient = environment.newCurator();
            DistributedLocks locks = LockBenchmarkEnvironment.distributedLocks(meshkeeperClient, "cpu");
            ClusterLock mutex = locks.mutex("cpu-meshkeeper");
            InterProcessMutex curatorMutex = new InterProcessMutex(curatorClient, "/meshkeeper/locks/cpu-curator");
            Map<String, RequestCount> requests = Map.of("curator", RequestCount.on(curatorClient), "meshkeeper",
                    RequestCount.on(meshkeeperClient));
            Map<String, long[]> totals = new LinkedHashMap<>();
            Map<String, Map<String, Long>> operationsBefore = new LinkedHashMap<>();
            Map<String, Cycle> contenders = new LinkedHashMap<>();
            contenders.put("curator", () -> {
                curatorMutex.acquire();
                curatorMutex.release();
            });
            contenders.put("meshkeeper", () -> {
                try (LockLease lease = mutex.tryAcquire(Duration.ofSeconds(10)).orElseThrow()) {
                    if (lease.fencingToken() <= 0) {
                        throw new IllegalStateException("no fencing token");
                    }
                }
            });
            Map<String, List<double[]>> samples = new LinkedHashMap<>();
            contenders.keySet().forEach((name) -> samples.put(name, new ArrayList<>()));
            int warmup = Math.max(1, rounds / 5);
            for (int round = 0; round < rounds + warmup; round++) {
                for (Map.Entry<String, Cycle> contender : contenders.entrySet()) {
                    if (round == warmup) {
                        operationsBefore.put(contender.getKey(), requests.get(contender.getKey()).operations());
                    }
                    long[] server = RequestCount.server();
                    long allocated = allocatedBytes();
                    long switches = ProcessCounters.voluntaryContextSwitches();
                    long cpu = os.getProcessCpuTime();
                    long start = System.nanoTime();
                    for (int i = 0; i < cycles; i++) {
                        contender.getValue().run();
                    }
                    double wall = (System.nanoTime() - start) / 1000.0 / cycles;
                    double cpuPerCycle = (os.getProcessCpuTime() - cpu) / 1000.0 / cycles;
                    double switchesPerCycle = (double) (ProcessCounters.voluntaryContextSwitches() - switches) / cycles;
                    long allocatedInRound = allocatedBytes() - allocated;
                    long[] serverAfter = RequestCount.server();
                    if (round >= warmup) {
                        samples.get(contender.getKey()).add(new double[] { wall, cpuPerCycle, switchesPerCycle });
                        long[] total = totals.computeIfAbsent(contender.getKey(), (name) -> new long[4]);
                        for (int i = 0; i < 3; i++) {
                            total[i] += serverAfter[i] - server[i];
                        }
                        total[3] += allocatedInRound;
                    }
                }
            }
            locks.close();
            meshkeeperClient.close();
            curatorClient.close();
            System.out.printf("%nuncontended acquire + release, %d rounds of %d cycles, load average before: %s%n",
                    rounds, cycles, ProcessCounters.loadAverage());
            System.out.printf("%-12s %14s %12s %18s %22s%n", "lock", "wall µs/cycle", "cycles/s", "process CPU µs/cycle",
                    "voluntary switches/cycle");
            double curatorWall = median(samples.get("curator"), 0);
            samples.forEach((name, values) -> System.out.printf("%-12s %14.0f %12.0f %18.0f %22.1f%n", name,
                    median(values, 0), 1_000_000 / median(values, 0), median(values, 1), median(values, 2)));
            double meshkeeperWall = median(samples.get("meshkeeper"), 0);
            System.out.printf("throughput ratio (Curator wall / Meshkeeper wall): %.2f; added per cycle: %.0f µs CPU, "
                    + "%.1f voluntary context switches%n", curatorWall / meshkeeperWall,
                    median(samples.get("meshkeeper"), 1) - median(samples.get("curator"), 1),
                    median(samples.get("meshkeeper"), 2) - median(samples.get("curator"), 2));
            long measured = (long) rounds * cycles;
            System.out.printf("%nper cycle, over the %d measured cycles of each: server writes, reads and fsyncs; "
                    + "bytes allocated by all threads; the contender's Curator operations by kind%n", measured);
            totals.forEach((name, total) -> {
                Map<String, Long> before = operationsBefore.get(name);
                StringBuilder operations = new StringBuilder();
                requests.get(name).operations().forEach((kind, count) -> {
                    double perCycle = (double) (count - before.getOrDefault(kind, 0L)) / measured;
                    if (perCycle >= 0.005) {
                        operations.append(String.format(" %s %.2f", kind, perCycle));
                    }
                });
                System.out.printf("%-12s writes %.2f, reads %.2f, fsyncs %.2f, allocated %.1f KB;%s%n", name,
                        (double) total[1] / measured, (double) total[2] / measured, (double) total[0] / measured,
                        total[3] / 1024.0 / measured, operations);
            });
            BenchmarkResults.record("lock.uncontended-interleaved.meshkeeper", "median cycles/s", "ops/s",
                    1_000_000 / meshkeeperWall, "curator-interprocess-mutex", 1_000_000 / curatorWall,
                    Goal.ratioAtLeast(0.95));
        }
    }

    /** Bytes allocated so far by every live thread of this process. */
    private static long allocatedBytes() {
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory
                .getThreadMXBean();
        long total = 0;
        for (long allocated : threads.getThreadAllocatedBytes(threads.getAllThreadIds())) {
            total += Math.max(0, allocated);
        }
        return total;
    }

    private static double median(List<double[]> values, int column) {
        double[] sorted = values.stream().mapToDouble((value) -> value[column]).toArray();
        Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }

    private interface Cycle {

        void run() throws Exception;
    }
}
