package dev.meshkeeper.ensemble;

import dev.meshkeeper.testapps.DeliberatePause;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

/**
 * A steady stream of requests on its own thread (one request, then a short pause, and again), counting answers per
 * answering instance and recording every failure with the phase it happened in.
 */
final class RequestLoop implements AutoCloseable {

    /** A failed request: when, in which phase, and why. */
    record Failure(Instant at, String phase, String reason) {
    }

    private final Supplier<String> request;

    private final Duration pause;

    private final AtomicReference<String> phase = new AtomicReference<>("start");

    private final Map<String, Map<String, AtomicLong>> answers = new ConcurrentHashMap<>();

    private final List<Failure> failures = new CopyOnWriteArrayList<>();

    private final AtomicLong requests = new AtomicLong();

    private final AtomicBoolean running = new AtomicBoolean(true);

    private final Thread thread;

    RequestLoop(String name, Supplier<String> request, Duration pause) {
        this.request = request;
        this.pause = pause;
        this.thread = new Thread(this::run, name);
        this.thread.setDaemon(true);
        this.thread.start();
    }

    /** Starts counting under a new phase name. */
    void phase(String name) {
        this.phase.set(name);
    }

    long requests() {
        return this.requests.get();
    }

    List<Failure> failures() {
        return List.copyOf(this.failures);
    }

    List<Failure> failuresIn(String phase) {
        return this.failures.stream().filter(failure -> failure.phase().equals(phase)).toList();
    }

    /** How many requests of the phase each instance answered. */
    Map<String, Long> answersIn(String phase) {
        Map<String, AtomicLong> counts = this.answers.getOrDefault(phase, Map.of());
        Map<String, Long> copy = new ConcurrentHashMap<>();
        counts.forEach((id, count) -> copy.put(id, count.get()));
        return copy;
    }

    private void run() {
        while (this.running.get()) {
            String current = this.phase.get();
            this.requests.incrementAndGet();
            try {
                String answer = this.request.get();
                this.answers.computeIfAbsent(current, (key) -> new ConcurrentHashMap<>())
                        .computeIfAbsent(answer, (key) -> new AtomicLong()).incrementAndGet();
            }
            catch (RuntimeException ex) {
                this.failures.add(new Failure(Instant.now(), current, ex.getClass().getSimpleName() + ": "
                        + ex.getMessage()));
            }
            // Pacing of the load, not a wait for an outcome.
            if (!DeliberatePause.take(this.pause)) {
                return;
            }
        }
    }

    @Override
    public void close() throws InterruptedException {
        this.running.set(false);
        this.thread.join(10_000);
    }
}
