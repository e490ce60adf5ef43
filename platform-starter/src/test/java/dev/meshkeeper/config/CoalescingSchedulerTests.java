package dev.meshkeeper.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class CoalescingSchedulerTests {

    private final ManualTimer timer = new ManualTimer();

    private final AtomicInteger refreshes = new AtomicInteger();

    private final CoalescingScheduler scheduler = new CoalescingScheduler(Duration.ofMillis(5), this.timer,
            this.refreshes::incrementAndGet);

    @Test
    void changesBeforeTheRefreshStartsShareOneRefreshAfterTheWindow() {
        for (int i = 0; i < 10; i++) {
            this.scheduler.changed();
        }

        assertThat(this.timer.delays).containsExactly(Duration.ofMillis(5));
        this.timer.runNext();
        assertThat(this.refreshes).hasValue(1);
        assertThat(this.timer.tasks).isEmpty();
    }

    @Test
    void aChangeAfterTheRefreshStartedGetsARefreshOfItsOwn() {
        this.scheduler.changed();
        this.timer.runNext();

        this.scheduler.changed();

        assertThat(this.timer.tasks).hasSize(1);
        this.timer.runNext();
        assertThat(this.refreshes).hasValue(2);
    }

    @Test
    void aTimerThatNoLongerRunsTasksLeavesNothingHalfScheduled() {
        this.timer.shutDown.set(true);
        this.scheduler.changed();
        this.timer.shutDown.set(false);

        this.scheduler.changed();

        assertThat(this.timer.tasks).hasSize(1);
    }

    /** Runs the scheduled tasks when told to. */
    static final class ManualTimer implements CoalescingScheduler.Timer {

        final List<Runnable> tasks = new ArrayList<>();

        final List<Duration> delays = new ArrayList<>();

        final AtomicBoolean shutDown = new AtomicBoolean();

        @Override
        public void schedule(Runnable task, Duration delay) {
            if (this.shutDown.get()) {
                throw new java.util.concurrent.RejectedExecutionException("shut down");
            }
            this.tasks.add(task);
            this.delays.add(delay);
        }

        void runNext() {
            this.tasks.remove(0).run();
        }
    }
}
