package dev.meshkeeper.benchmarks.data;

import dev.meshkeeper.benchmarks.summary.BenchmarkResults;
import dev.meshkeeper.benchmarks.summary.Goal;
import dev.meshkeeper.data.SharedCounter;
import dev.meshkeeper.data.SharedData;
import dev.meshkeeper.data.SharedMap;
import dev.meshkeeper.data.SharedValue;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.recipes.atomic.AtomicValue;
import org.apache.curator.framework.recipes.atomic.DistributedAtomicLong;
import org.apache.curator.framework.state.ConnectionState;
import org.apache.curator.retry.BoundedExponentialBackoffRetry;
import org.apache.zookeeper.WatchedEvent;
import org.apache.zookeeper.Watcher;
import org.apache.zookeeper.ZooKeeper;

/**
 * End-to-end figures of shared data against a real in-process ZooKeeper, each next to its baseline in the same run:
 * <ul>
 * <li>{@code propagation}: write → every subscriber's replica (and listener) has it, 1 and 10 subscribers, next to
 * the floor of a raw ZooKeeper watch + getData per subscriber (same writes, clients of their own);</li>
 * <li>{@code counter}: increments/s of 2 applications × 8 threads on one counter, next to Curator's
 * {@code DistributedAtomicLong}, with the increments lost (acknowledged but missing) and not succeeded;</li>
 * <li>{@code counter-jvms}: the same with each application a JVM of its own (worker processes);</li>
 * <li>{@code resync}: opening a 10,000-entry map, and session expiry → the replica re-read and fresh again.</li>
 * </ul>
 * Usage: {@code SharedDataHarness [propagation] [counter] [counter-jvms] [resync]} (all but counter-jvms by default).
 */
public final class SharedDataHarness {

    private SharedDataHarness() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length > 0 && args[0].equals("counter-worker")) {
            CounterWorkers.main(Arrays.copyOfRange(args, 1, args.length));
            return;
        }
        List<String> parts = (args.length > 0) ? Arrays.asList(args) : List.of("propagation", "counter", "resync");
        try (DataBenchmarkEnvironment environment = new DataBenchmarkEnvironment()) {
            if (parts.contains("counter-jvms")) {
                CounterWorkers.counterJvms(environment, 2, 8, Duration.ofSeconds(15));
            }
            if (parts.contains("propagation")) {
                propagation(environment, 1, 300);
                propagation(environment, 10, 300);
            }
            if (parts.contains("counter")) {
                counter(environment, 2, 8, Duration.ofSeconds(15));
            }
            if (parts.contains("resync")) {
                resync(environment, 10_000, 3);
            }
        }
    }

    private static void propagation(DataBenchmarkEnvironment environment, int subscribers, int writes)
            throws Exception {
        String name = "bench-propagation-" + subscribers;
        String path = "/meshkeeper/data/" + name;
        CuratorFramework writer = environment.newCurator();
        writer.create().creatingParentContainersIfNeeded().forPath(path, bytes(0));
        AtomicLong target = new AtomicLong(-1);
        AtomicInteger sharedRemaining = new AtomicInteger();
        AtomicInteger rawRemaining = new AtomicInteger();
        AtomicLong sharedDone = new AtomicLong();
        AtomicLong rawDone = new AtomicLong();
        CountDownLatch[] arrived = new CountDownLatch[1];
        for (int i = 0; i < subscribers; i++) {
            SharedValue<Long> value = environment.newApplication(environment.newCurator()).value(name, Long.class);
            value.onChange((oldValue, newValue) -> {
                if (newValue != null && newValue == target.get() && sharedRemaining.decrementAndGet() == 0) {
                    sharedDone.set(System.nanoTime());
                    arrived[0].countDown();
                }
            });
            ZooKeeper raw = environment.newCurator().getZookeeperClient().getZooKeeper();
            new RawSubscriber(raw, path, newValue -> {
                if (newValue == target.get() && rawRemaining.decrementAndGet() == 0) {
                    rawDone.set(System.nanoTime());
                    arrived[0].countDown();
                }
            }).watch();
        }
        long[] shared = new long[writes];
        long[] raw = new long[writes];
        for (int i = 1; i <= writes; i++) {
            arrived[0] = new CountDownLatch(2);
            sharedRemaining.set(subscribers);
            rawRemaining.set(subscribers);
            target.set(i);
            long started = System.nanoTime();
            writer.setData().forPath(path, bytes(i));
            if (!arrived[0].await(10, TimeUnit.SECONDS)) {
                throw new IllegalStateException("write " + i + " did not reach every subscriber within 10 s");
            }
            shared[i - 1] = sharedDone.get() - started;
            raw[i - 1] = rawDone.get() - started;
        }
        int skip = writes / 10;
        System.out.printf(Locale.ROOT, "propagation, %d subscriber(s), %d writes: SharedData %s | raw watch + "
                + "getData %s%n", subscribers, writes - skip, summary(shared, skip), summary(raw, skip));
        BenchmarkResults.record("data.propagation", "p50", "ms", percentile(shared, skip, 0.5), "raw-watch",
                percentile(raw, skip, 0.5), null);
    }

    private static void counter(DataBenchmarkEnvironment environment, int applications, int threads,
            Duration duration) throws Exception {
        List<SharedCounter> counters = new ArrayList<>();
        List<DistributedAtomicLong> atomics = new ArrayList<>();
        for (int i = 0; i < applications; i++) {
            counters.add(environment.newApplication(environment.newCurator()).counter("bench-counter"));
            atomics.add(new DistributedAtomicLong(environment.newCurator(), "/bench/distributed-atomic-long",
                    new BoundedExponentialBackoffRetry(1, 50, 20)));
        }
        LongAdder acknowledged = new LongAdder();
        LongAdder failed = new LongAdder();
        double rate = load(applications, threads, duration, application -> {
            try {
                counters.get(application).incrementAndGet(1);
                acknowledged.increment();
            }
            catch (RuntimeException ex) {
                failed.increment();
            }
        });
        long held = counters.get(0).getVersioned().value();
        System.out.printf(Locale.ROOT, "counter, %d applications x %d threads, %d s: SharedCounter %.0f increments/s, "
                + "acknowledged %d, in ZooKeeper %d, lost %d, failed %d%n", applications, threads,
                duration.toSeconds(), rate, acknowledged.sum(), readCounter(environment), acknowledged.sum()
                        - readCounter(environment), failed.sum());
        BenchmarkResults.record("data.counter.lost-increments", "count", "increments",
                acknowledged.sum() - readCounter(environment), Goal.valueAtMost(0));
        LongAdder succeeded = new LongAdder();
        LongAdder notSucceeded = new LongAdder();
        double atomicRate = load(applications, threads, duration, application -> {
            try {
                AtomicValue<Long> result = atomics.get(application).increment();
                if (result.succeeded()) {
                    succeeded.increment();
                }
                else {
                    notSucceeded.increment();
                }
            }
            catch (Exception ex) {
                notSucceeded.increment();
            }
        });
        long atomicHeld = atomics.get(0).get().postValue();
        System.out.printf(Locale.ROOT, "counter, %d applications x %d threads, %d s: DistributedAtomicLong %.0f "
                + "increments/s, succeeded %d, in ZooKeeper %d, lost %d, not succeeded %d; ratio %.1fx (replica %d)%n",
                applications, threads, duration.toSeconds(), atomicRate, succeeded.sum(), atomicHeld,
                succeeded.sum() - atomicHeld, notSucceeded.sum(), rate / Math.max(atomicRate, 1), held);
        BenchmarkResults.record("data.counter.increments", "throughput", "increments/s", rate,
                "DistributedAtomicLong", atomicRate, null);
    }

    private static long readCounter(DataBenchmarkEnvironment environment) {
        try {
            return Long.parseLong(new String(environment.newCurator().getData().forPath("/meshkeeper/data/bench-counter"),
                    StandardCharsets.UTF_8));
        }
        catch (Exception ex) {
            throw new IllegalStateException(ex);
        }
    }

    /** Runs {@code work} on {@code threads} threads per application until {@code duration} ends; returns ops/s. */
    static double load(int applications, int threads, Duration duration,
            java.util.function.IntConsumer work) throws InterruptedException {
        LongAdder operations = new LongAdder();
        long deadline = System.nanoTime() + duration.toNanos();
        List<Thread> running = new ArrayList<>();
        long started = System.nanoTime();
        for (int a = 0; a < applications; a++) {
            for (int t = 0; t < threads; t++) {
                int application = a;
                Thread thread = new Thread(() -> {
                    while (System.nanoTime() < deadline) {
                        work.accept(application);
                        operations.increment();
                    }
                });
                thread.start();
                running.add(thread);
            }
        }
        for (Thread thread : running) {
            thread.join(duration.toMillis() + 60_000);
        }
        return operations.sum() / ((System.nanoTime() - started) / 1e9);
    }

    private static void resync(DataBenchmarkEnvironment environment, int entries, int rounds) throws Exception {
        String name = "bench-resync";
        String path = "/meshkeeper/data/" + name;
        CuratorFramework seeder = environment.newCurator();
        seeder.create().creatingParentContainersIfNeeded().forPath(path,
                "{\"kind\":\"map\"}".getBytes(StandardCharsets.UTF_8));
        Semaphore inFlight = new Semaphore(500);
        CountDownLatch created = new CountDownLatch(entries);
        for (int i = 0; i < entries; i++) {
            inFlight.acquire();
            seeder.create().inBackground((client, event) -> {
                inFlight.release();
                created.countDown();
            }).forPath(path + "/sku-" + i, ("{\"available\":" + i + ",\"fencingToken\":1}").getBytes(
                    StandardCharsets.UTF_8));
        }
        if (!created.await(120, TimeUnit.SECONDS)) {
            throw new IllegalStateException("could not create the entries");
        }
        CuratorFramework curator = environment.newCurator();
        SharedData data = environment.newApplication(curator);
        long opening = System.nanoTime();
        SharedMap<SharedDataReadBenchmark.Stock> map = data.map(name, SharedDataReadBenchmark.Stock.class);
        long opened = System.nanoTime() - opening;
        if (map.size() != entries) {
            throw new IllegalStateException("opened with " + map.size() + " entries");
        }
        AtomicLong reconnected = new AtomicLong();
        curator.getConnectionStateListenable().addListener((client, state) -> {
            if (state == ConnectionState.RECONNECTED) {
                reconnected.set(System.nanoTime());
            }
        });
        long[] recoveries = new long[rounds];
        long[] resyncs = new long[rounds];
        for (int round = 0; round < rounds; round++) {
            long expired = System.nanoTime();
            environment.expireSession(curator);
            awaitStale(map, true);
            awaitStale(map, false);
            long fresh = System.nanoTime();
            recoveries[round] = (fresh - expired) / 1_000_000;
            resyncs[round] = (fresh - reconnected.get()) / 1_000_000;
        }
        System.out.printf(Locale.ROOT, "resync, %d-entry map: open (first full read) %.0f ms; session expiry -> "
                + "fresh again %s ms; new session (RECONNECTED) -> fresh again %s ms, over %d rounds%n", entries,
                opened / 1e6, Arrays.toString(recoveries), Arrays.toString(resyncs), rounds);
    }

    private static void awaitStale(SharedMap<?> map, boolean stale) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (map.getVersioned("sku-0").stale() != stale) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("replica did not become " + (stale ? "stale" : "fresh"));
            }
            Thread.sleep(1);
        }
    }

    private static double percentile(long[] nanos, int skip, double quantile) {
        long[] sorted = Arrays.stream(nanos).skip(skip).sorted().toArray();
        return sorted[Math.max(0, (int) Math.ceil(sorted.length * quantile) - 1)] / 1e6;
    }

    private static String summary(long[] nanos, int skip) {
        return String.format(Locale.ROOT, "p50 %.2f ms, p99 %.2f ms, max %.2f ms", percentile(nanos, skip, 0.5),
                percentile(nanos, skip, 0.99), percentile(nanos, skip, 1));
    }

    private static byte[] bytes(long value) {
        return Long.toString(value).getBytes(StandardCharsets.UTF_8);
    }

    /** The floor: a one-shot watch re-armed by each getData, on a raw ZooKeeper handle of its own. */
    private record RawSubscriber(ZooKeeper zooKeeper, String path, java.util.function.LongConsumer seen)
            implements Watcher {

        void watch() {
            this.zooKeeper.getData(this.path, this, (rc, znode, context, data, stat) -> {
                if (data != null) {
                    this.seen.accept(Long.parseLong(new String(data, StandardCharsets.UTF_8)));
                }
            }, null);
        }

        @Override
        public void process(WatchedEvent event) {
            if (event.getType() == Event.EventType.NodeDataChanged) {
                watch();
            }
        }
    }
}
