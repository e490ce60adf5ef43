package dev.meshkeeper.discovery;

import dev.meshkeeper.registry.junit.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Delayed;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * A scheduler whose delayed tasks run only when a test calls {@link #runDue()}, each once the {@link MutableClock}
 * has reached its time: grace periods pass without waiting.
 */
final class ManualScheduler extends ScheduledThreadPoolExecutor {

    private final MutableClock clock;

    private final List<Task> tasks = new ArrayList<>();

    ManualScheduler(MutableClock clock) {
        super(1);
        this.clock = clock;
    }

    @Override
    public synchronized ScheduledFuture<?> schedule(Runnable command, long delay, TimeUnit unit) {
        Task task = new Task(this.clock.instant().plus(Duration.ofNanos(unit.toNanos(delay))), command);
        this.tasks.add(task);
        return task;
    }

    /** How many tasks wait for their time. */
    synchronized int pending() {
        return (int) this.tasks.stream().filter((task) -> !task.isDone()).count();
    }

    /** Runs every task whose time has come on the clock, in the calling thread. */
    void runDue() {
        List<Task> due;
        synchronized (this) {
            due = this.tasks.stream().filter((task) -> !task.isDone() && !task.due.isAfter(this.clock.instant()))
                    .toList();
            this.tasks.removeAll(due);
        }
        due.forEach(Task::run);
    }

    private static final class Task implements ScheduledFuture<Object> {

        final Instant due;

        final Runnable command;

        private volatile boolean done;

        Task(Instant due, Runnable command) {
            this.due = due;
            this.command = command;
        }

        void run() {
            if (!this.done) {
                this.done = true;
                this.command.run();
            }
        }

        @Override
        public long getDelay(TimeUnit unit) {
            return 0;
        }

        @Override
        public int compareTo(Delayed other) {
            return 0;
        }

        @Override
        public boolean cancel(boolean mayInterruptIfRunning) {
            boolean cancelled = !this.done;
            this.done = true;
            return cancelled;
        }

        @Override
        public boolean isCancelled() {
            return false;
        }

        @Override
        public boolean isDone() {
            return this.done;
        }

        @Override
        public Object get() {
            return null;
        }

        @Override
        public Object get(long timeout, TimeUnit unit) {
            return null;
        }
    }
}
