package dev.meshkeeper.benchmarks.outage;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

/** One request after another on its own thread, recording each latency and failure under the current phase. */
final class Probe {

    private final AtomicReference<String> phase = new AtomicReference<>("warm-up");

    private final Map<String, List<Long>> latencies = new ConcurrentHashMap<>();

    private final Map<String, AtomicLong> failures = new ConcurrentHashMap<>();

    private final AtomicBoolean running = new AtomicBoolean(true);

    final AtomicReference<String> firstFailure = new AtomicReference<>();

    private final Thread thread;

    Probe(Supplier<String> request, long pauseMillis) {
        this.thread = new Thread(() -> {
            while (this.running.get()) {
                String current = this.phase.get();
                long start = System.nanoTime();
                try {
                    request.get();
                    this.latencies.computeIfAbsent(current, key -> Collections.synchronizedList(new ArrayList<>()))
                            .add(System.nanoTime() - start);
                }
                catch (RuntimeException ex) {
                    this.failures.computeIfAbsent(current, key -> new AtomicLong()).incrementAndGet();
                    this.firstFailure.compareAndSet(null, current + ": " + ex);
                }
                try {
                    TimeUnit.MILLISECONDS.sleep(pauseMillis);
                }
                catch (InterruptedException ex) {
                    return;
                }
            }
        }, "outage-probe");
        this.thread.setDaemon(true);
        this.thread.start();
    }

    void phase(String name) {
        this.latencies.remove(name);
        this.failures.remove(name);
        this.phase.set(name);
    }

    long count(String phase) {
        return this.latencies.getOrDefault(phase, List.of()).size();
    }

    long failed(String phase) {
        AtomicLong failed = this.failures.get(phase);
        return (failed != null) ? failed.get() : 0;
    }

    double percentile(String phase, int percentile) {
        List<Long> values;
        synchronized (this.latencies.getOrDefault(phase, List.of())) {
            values = new ArrayList<>(this.latencies.getOrDefault(phase, List.of()));
        }
        if (values.isEmpty()) {
            return Double.NaN;
        }
        Collections.sort(values);
        int index = (int) Math.ceil(percentile / 100.0 * values.size()) - 1;
        return values.get(Math.max(0, index)) / 1e6;
    }

    void stop() throws InterruptedException {
        this.running.set(false);
        this.thread.join(10_000);
    }
}
