package dev.meshkeeper.config;

import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Turns a stream of change notifications into few refreshes: the first notification schedules one refresh after
 * {@code window}; notifications arriving until that refresh starts are part of it. The refreshes run on the
 * {@link Timer}'s thread, one at a time when it has a single thread.
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

    private final Duration window;

    private final Timer timer;

    private final Runnable refresh;

    private final AtomicBoolean scheduled = new AtomicBoolean();

    CoalescingScheduler(Duration window, Timer timer, Runnable refresh) {
        this.window = window;
        this.timer = timer;
        this.refresh = refresh;
    }

    /** Something changed: a refresh will run that sees it. */
    void changed() {
        if (this.scheduled.compareAndSet(false, true)) {
            try {
                this.timer.schedule(this::run, this.window);
            }
            catch (RuntimeException ex) {
                // The timer is shut down: nothing to refresh any more.
                this.scheduled.set(false);
            }
        }
    }

    private void run() {
        this.scheduled.set(false);
        this.refresh.run();
    }
}
