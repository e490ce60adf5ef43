package dev.meshkeeper.config;

import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongSupplier;

/**
 * Turns a stream of change notifications into few refreshes, one at a time.
 * <ul>
 * <li>Leading edge (the default): a change after a quiet period is refreshed at once. Changes arriving while a
 * refresh runs, or within {@code window} after it ended, are collected and refreshed together in the next one, which
 * starts {@code window} after the previous one ended. So a single change pays no window, a burst costs two refreshes
 * (the first change, then the rest), and a steady stream at most one refresh per window.</li>
 * <li>Trailing only: the first change schedules a refresh after {@code window}; changes arriving until it starts
 * are part of it.</li>
 * </ul>
 * The refreshes run on the {@link Timer}'s thread; time is read from an injected nanosecond clock.
 */
final class CoalescingScheduler {

    /** Runs a task after a delay (a single-threaded {@link ScheduledExecutorService} in the application). */
    @FunctionalInterface
    interface Timer {

        /** Runs {@code task} after {@code delay}; throws a RuntimeException when it can no longer run tasks. */
        void schedule(Runnable task, Duration delay);

        static Timer on(ScheduledExecutorService executor) {
            return (task, delay) -> executor.schedule(task, delay.toNanos(), TimeUnit.NANOSECONDS);
        }
    }

    private enum Phase {
        /** Nothing scheduled or running. */
        IDLE,
        /** A refresh is scheduled; it will see every change until it starts. */
        SCHEDULED,
        /** A refresh runs; nothing changed since it started. */
        RUNNING,
        /** A refresh runs and something changed meanwhile: another one follows. */
        RUNNING_CHANGED
    }

    private final Duration window;

    private final boolean leadingEdge;

    private final Timer timer;

    private final LongSupplier nanoTime;

    private final Runnable refresh;

    private final AtomicReference<Phase> phase = new AtomicReference<>(Phase.IDLE);

    /** When the last refresh ended (nanoTime), written by the refresh thread only; null before the first one. */
    private volatile Long lastEnded;

    /**
     * @param window how long changes are collected; with the leading edge, the shortest time between refreshes
     * @param leadingEdge whether a change after a quiet period is refreshed at once
     * @param timer runs the refreshes
     * @param nanoTime the clock ({@code System::nanoTime} in the application)
     * @param refresh the refresh
     */
    CoalescingScheduler(Duration window, boolean leadingEdge, Timer timer, LongSupplier nanoTime, Runnable refresh) {
        this.window = window;
        this.leadingEdge = leadingEdge;
        this.timer = timer;
        this.nanoTime = nanoTime;
        this.refresh = refresh;
    }

    /** Something changed: a refresh that starts after this call will run. */
    void changed() {
        while (true) {
            Phase current = this.phase.get();
            if (current == Phase.IDLE) {
                if (this.phase.compareAndSet(Phase.IDLE, Phase.SCHEDULED)) {
                    schedule();
                    return;
                }
            }
            else if (current == Phase.RUNNING) {
                if (this.phase.compareAndSet(Phase.RUNNING, Phase.RUNNING_CHANGED)) {
                    return;
                }
            }
            else {
                return;
            }
        }
    }

    /** How long the next refresh waits from now. */
    Duration delay() {
        Long ended = this.lastEnded;
        if (!this.leadingEdge || ended == null) {
            return this.leadingEdge ? Duration.ZERO : this.window;
        }
        long left = this.window.toNanos() - (this.nanoTime.getAsLong() - ended);
        return (left > 0) ? Duration.ofNanos(left) : Duration.ZERO;
    }

    private void schedule() {
        try {
            this.timer.schedule(this::run, delay());
        }
        catch (RuntimeException ex) {
            // The timer is shut down: nothing to refresh any more.
            this.phase.set(Phase.IDLE);
        }
    }

    private void run() {
        this.phase.set(Phase.RUNNING);
        try {
            this.refresh.run();
        }
        finally {
            this.lastEnded = this.nanoTime.getAsLong();
            if (!this.phase.compareAndSet(Phase.RUNNING, Phase.IDLE)) {
                this.phase.set(Phase.SCHEDULED);
                schedule();
            }
        }
    }
}
