package dev.meshkeeper.benchmarks.data;

import dev.meshkeeper.data.SharedCounter;
import dev.meshkeeper.data.SharedData;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.recipes.atomic.DistributedAtomicLong;
import org.apache.curator.retry.BoundedExponentialBackoffRetry;

/**
 * The {@code counter-jvms} part of {@link SharedDataHarness}: each application a JVM of its own, incrementing one
 * shared counter (or Curator's {@code DistributedAtomicLong}) from several threads. Its {@code main} is the worker
 * process: {@code CounterWorkers <connect-string> <shared-counter|distributed-atomic-long> <threads> <seconds>}.
 */
public final class CounterWorkers {

    private CounterWorkers() {
    }

    public static void main(String[] args) throws Exception {
        counterWorker(args[0], args[1], Integer.parseInt(args[2]), Duration.ofSeconds(Long.parseLong(args[3])));
    }

    /** Each application a JVM of its own: {@code jvms} worker processes of {@code threads} threads, both kinds. */
    static void counterJvms(DataBenchmarkEnvironment environment, int jvms, int threads, Duration duration)
            throws Exception {
        environment.newApplication(environment.newCurator()).counter("bench-counter-jvms");
        for (String kind : List.of("shared-counter", "distributed-atomic-long")) {
            List<Process> workers = new ArrayList<>();
            for (int i = 0; i < jvms; i++) {
                workers.add(new ProcessBuilder(ProcessHandle.current().info().command().orElse("java"), "-cp",
                        System.getProperty("java.class.path"), CounterWorkers.class.getName(),
                        environment.server.connectString(), kind, Integer.toString(threads),
                        Long.toString(duration.toSeconds())).redirectError(ProcessBuilder.Redirect.DISCARD).start());
            }
            long acknowledged = 0;
            long failed = 0;
            double rate = 0;
            for (Process worker : workers) {
                String result = new String(worker.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
                if (!worker.waitFor(duration.toSeconds() + 120, TimeUnit.SECONDS) || result.isEmpty()) {
                    worker.destroyForcibly();
                    throw new IllegalStateException("a " + kind + " worker did not report");
                }
                String[] fields = result.substring(result.lastIndexOf('\n') + 1).split(" ");
                acknowledged += Long.parseLong(fields[0]);
                failed += Long.parseLong(fields[1]);
                rate += Double.parseDouble(fields[2]);
            }
            String path = kind.equals("shared-counter") ? "/meshkeeper/data/bench-counter-jvms" : "/bench/dal-jvms";
            CuratorFramework reader = environment.newCurator();
            long held = kind.equals("shared-counter")
                    ? Long.parseLong(new String(reader.getData().forPath(path), StandardCharsets.UTF_8))
                    : new DistributedAtomicLong(reader, path, new BoundedExponentialBackoffRetry(1, 50, 20)).get()
                            .postValue();
            System.out.printf(Locale.ROOT, "counter, %d JVMs x %d threads, %d s, %s: %.0f increments/s, acknowledged "
                    + "%d, in ZooKeeper %d, lost %d, failed or not succeeded %d%n", jvms, threads, duration.toSeconds(),
                    kind, rate, acknowledged, held, acknowledged - held, failed);
        }
    }

    /** One worker JVM: prints "acknowledged failed increments-per-second" when done. */
    private static void counterWorker(String connectString, String kind, int threads, Duration duration)
            throws Exception {
        CuratorFramework curator = org.apache.curator.framework.CuratorFrameworkFactory.newClient(connectString,
                10_000, 5_000, new org.apache.curator.retry.ExponentialBackoffRetry(50, 5, 500));
        curator.start();
        curator.blockUntilConnected(20, TimeUnit.SECONDS);
        LongAdder acknowledged = new LongAdder();
        LongAdder failed = new LongAdder();
        java.util.function.IntConsumer work;
        SharedData data = null;
        if (kind.equals("shared-counter")) {
            dev.meshkeeper.zookeeper.ZooKeeperConnectionMonitor monitor = new dev.meshkeeper.zookeeper
                    .ZooKeeperConnectionMonitor(curator, event -> {
                    });
            monitor.afterPropertiesSet();
            data = new SharedData(new dev.meshkeeper.zookeeper.ZooKeeperRequests(curator, monitor,
                    Duration.ofSeconds(5), java.time.Clock.systemUTC()), new dev.meshkeeper.data.DataProperties());
            SharedCounter counter = data.counter("bench-counter-jvms");
            work = application -> {
                try {
                    counter.incrementAndGet(1);
                    acknowledged.increment();
                }
                catch (RuntimeException ex) {
                    failed.increment();
                }
            };
        }
        else {
            DistributedAtomicLong atomic = new DistributedAtomicLong(curator, "/bench/dal-jvms",
                    new BoundedExponentialBackoffRetry(1, 50, 20));
            work = application -> {
                try {
                    if (atomic.increment().succeeded()) {
                        acknowledged.increment();
                    }
                    else {
                        failed.increment();
                    }
                }
                catch (Exception ex) {
                    failed.increment();
                }
            };
        }
        double rate = SharedDataHarness.load(1, threads, duration, work);
        System.out.println(acknowledged.sum() + " " + failed.sum() + " " + rate);
        if (data != null) {
            data.close();
        }
        curator.close();
    }
}
