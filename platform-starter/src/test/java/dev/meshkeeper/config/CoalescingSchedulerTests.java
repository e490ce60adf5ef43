package dev.meshkeeper.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Coalescing driven by a manual timer and clock: nothing waits, nothing depends on real time. */
@Timeout(10)
class CoalescingSchedulerTests {

    private static final Duration WINDOW = Duration.ofMillis(5);

    private final ManualTimer timer = new ManualTimer();

    private final AtomicLong nanos = new AtomicLong(1_000_000_000L);

    private final AtomicInteger refreshes = new AtomicInteger();

    private Runnable duringRefresh = () -> {
    };

    private final CoalescingScheduler leading = scheduler(true);

    private final CoalescingScheduler trailing = scheduler(false);

    @Test
    void firstChangeAfterAQuietPeriodIsRefreshedAtOnce() {
        this.leading.changed();

        assertThat(this.timer.delays).containsExactly(Duration.ZERO);
        this.timer.runNext();
        assertThat(this.refreshes).hasValue(1);

        this.nanos.addAndGet(WINDOW.toNanos());
        this.leading.changed();
        assertThat(this.timer.delays).containsExactly(Duration.ZERO, Duration.ZERO);
    }

    @Test
    void burstOfChangesCostsTwoRefreshesTheFirstChangeAndTheRest() {
        this.duringRefresh = () -> {
            for (int i = 0; i < 100; i++) {
                this.leading.changed();
            }
        };
        this.leading.changed();
        this.leading.changed();

        this.timer.runNext();
        this.duringRefresh = () -> {
        };
        assertThat(this.timer.delays).containsExactly(Duration.ZERO, WINDOW);
        this.timer.runNext();

        assertThat(this.refreshes).hasValue(2);
        assertThat(this.timer.tasks).isEmpty();
    }

    @Test
    void changeWithinTheWindowAfterARefreshWaitsForTheRestOfTheWindow() {
        this.leading.changed();
        this.timer.runNext();
        this.nanos.addAndGet(Duration.ofMillis(2).toNanos());

        this.leading.changed();
        this.leading.changed();

        assertThat(this.timer.delays).containsExactly(Duration.ZERO, Duration.ofMillis(3));
        this.timer.runNext();
        assertThat(this.refreshes).hasValue(2);
    }

    @Test
    void withoutTheLeadingEdgeChangesShareOneRefreshAfterTheWindow() {
        for (int i = 0; i < 10; i++) {
            this.trailing.changed();
        }

        assertThat(this.timer.delays).containsExactly(WINDOW);
        this.timer.runNext();
        assertThat(this.refreshes).hasValue(1);
        assertThat(this.timer.tasks).isEmpty();
    }

    @Test
    void aChangeWhileARefreshRunsGetsARefreshOfItsOwn() {
        this.duringRefresh = this.trailing::changed;
        this.trailing.changed();
        this.timer.runNext();
        this.duringRefresh = () -> {
        };

        assertThat(this.timer.tasks).hasSize(1);
        this.timer.runNext();
        assertThat(this.refreshes).hasValue(2);
    }

    @Test
    void aTimerThatNoLongerRunsTasksLeavesNothingHalfScheduled() {
        this.timer.shutDown.set(true);
        this.leading.changed();
        this.timer.shutDown.set(false);

        this.leading.changed();

        assertThat(this.timer.tasks).hasSize(1);
    }

    private CoalescingScheduler scheduler(boolean leadingEdge) {
        return new CoalescingScheduler(WINDOW, leadingEdge, this.timer, this.nanos::get, () -> {
            this.refreshes.incrementAndGet();
            this.duringRefresh.run();
        });
    }

    /** Runs the scheduled tasks when told to. */
    static final class ManualTimer implements CoalescingScheduler.Timer {

        final List<Runnable> tasks = new ArrayList<>();

        final List<Duration> delays = new ArrayList<>();

        final AtomicBoolean shutDown = new AtomicBoolean();

        @Override
        public void schedule(Runnable task, Duration delay) {
            if (this.shutDown.get()) {
                throw new RejectedExecutionException("shut down");
            }
            this.tasks.add(task);
            this.delays.add(delay);
        }

        void runNext() {
            this.tasks.remove(0).run();
        }
    }
}
