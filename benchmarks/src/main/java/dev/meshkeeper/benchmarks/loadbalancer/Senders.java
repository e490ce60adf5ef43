package dev.meshkeeper.benchmarks.loadbalancer;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.springframework.web.client.RestClient;

/** Closed-loop senders: each calls, records the latency or the failure, and calls again. */
final class Senders {

    final List<Long> latencies = Collections.synchronizedList(new ArrayList<>());

    final AtomicLong failures = new AtomicLong();

    final Map<String, AtomicLong> servedBy = new ConcurrentHashMap<>();

    /** Every answered call: when it was sent ({@code System.nanoTime()}) and which provider port answered. */
    final List<Served> timeline = Collections.synchronizedList(new ArrayList<>());

    private final AtomicBoolean running = new AtomicBoolean(true);

    private final CountDownLatch stopped;

    Senders(RestClient client, String uri, int threads) {
        this.stopped = new CountDownLatch(threads);
        for (int t = 0; t < threads; t++) {
            Thread sender = new Thread(() -> {
                try {
                    while (this.running.get()) {
                        long started = System.nanoTime();
                        try {
                            String port = client.get().uri(uri).retrieve().body(String.class);
                            this.latencies.add(System.nanoTime() - started);
                            this.servedBy.computeIfAbsent(port, (p) -> new AtomicLong()).incrementAndGet();
                            this.timeline.add(new Served(started, port));
                        }
                        catch (RuntimeException ex) {
                            this.failures.incrementAndGet();
                        }
                    }
                }
                finally {
                    this.stopped.countDown();
                }
            }, "utilisation-sender-" + t);
            sender.setDaemon(true);
            sender.start();
        }
    }

    void reset() {
        this.latencies.clear();
        this.failures.set(0);
        this.servedBy.clear();
        this.timeline.clear();
    }

    void stop() throws InterruptedException {
        this.running.set(false);
        this.stopped.await(30, TimeUnit.SECONDS);
    }

    /** One answered call. */
    record Served(long sentNanos, String port) {
    }
}
