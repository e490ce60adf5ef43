package dev.meshkeeper.loadbalancer;

import static dev.meshkeeper.loadbalancer.TestInstances.instance;
import static org.assertj.core.api.Assertions.assertThat;

import dev.meshkeeper.registry.junit.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.springframework.cloud.client.ServiceInstance;

/**
 * Least-loaded does not keep a stale figure: latency averages decay with the age of their last sample, and an
 * instance left unchosen is probed. Simulated time: one closed-loop sender calls three instances, the clock moves by
 * each call's latency.
 */
@Timeout(30)
class LeastLoadedRecoveryTests {

    private static final long FAST_MILLIS = 5;

    private static final long SLOW_MILLIS = 150;

    private final MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));

    private final LoadBalancingProperties.LeastLoaded settings = new LoadBalancingProperties.LeastLoaded();

    private final ObservedLoad load = new ObservedLoad(0.3, this.settings.getLatencyDecayTime(), this.clock);

    private final PublishedLoads published = new PublishedLoads(this.clock, this.settings.getLoadExpiry(), null);

    private final List<ServiceInstance> instances = List.of(instance("recovery", 1), instance("recovery", 2),
            instance("recovery", 3));

    private final ServiceInstance first = this.instances.get(0);

    @Test
    void aSlowInstanceGetsAtMostFivePercentWhileSlowAndAnEqualShareWithinTenSecondsOfRecovering() {
        LeastLoadedChooser chooser = chooser();
        Map<String, Integer> normal = run(chooser, Duration.ofSeconds(3), SLOW_MILLIS, false);
        assertThat(share(normal)).isGreaterThan(0.2);
        run(chooser, Duration.ofSeconds(1), SLOW_MILLIS, true);
        Map<String, Integer> slow = run(chooser, Duration.ofSeconds(7), SLOW_MILLIS, true);
        assertThat(share(slow)).isGreaterThan(0).isLessThanOrEqualTo(0.05);
        int secondsToEqualShare = secondsUntilShareOfAtLeast(chooser, 0.25, 10);
        assertThat(secondsToEqualShare).isLessThanOrEqualTo(10);
        Map<String, Integer> recovered = run(chooser, Duration.ofSeconds(5), SLOW_MILLIS, false);
        assertThat(share(recovered)).isGreaterThan(0.25);
    }

    @Test
    void aStaleFigureDecaysEvenWithoutProbes() {
        this.settings.setProbeInterval(Duration.ZERO);
        LeastLoadedChooser chooser = chooser();
        run(chooser, Duration.ofSeconds(3), SLOW_MILLIS, true);
        ObservedLoad.InstanceLoad figures = this.load.find("recovery", "recovery-1");
        double stale = this.load.latencyNanos(figures, this.clock.millis());
        assertThat(stale).isGreaterThan(50_000_000.0);
        this.clock.advance(this.settings.getLatencyDecayTime());
        assertThat(this.load.latencyNanos(figures, this.clock.millis())).isCloseTo(stale / Math.E,
                org.assertj.core.data.Offset.offset(stale / 100));
        this.clock.advance(this.settings.getLatencyDecayTime().multipliedBy(4));
        // Decayed below the fast instances' figures: it is chosen again, and its new samples count.
        Map<String, Integer> afterwards = run(chooser, Duration.ofSeconds(2), FAST_MILLIS, false);
        assertThat(share(afterwards)).isGreaterThan(0.25);
    }

    @Test
    void anInstanceNeverChosenIsProbed() {
        ServiceInstance cold = this.first;
        // A first call that took long: its figure alone would keep it out.
        this.load.requestStarted(cold);
        this.load.requestCompleted(cold, 2_000_000_000L);
        LeastLoadedChooser chooser = chooser();
        Duration interval = this.settings.getProbeInterval();
        Map<String, Integer> before = run(chooser, interval.minusMillis(100), FAST_MILLIS, false, 1);
        assertThat(before).doesNotContainKey("recovery-1");
        Map<String, Integer> probed = run(chooser, Duration.ofMillis(500), FAST_MILLIS, false, 1);
        assertThat(probed).containsKey("recovery-1");
    }

    @Test
    void aProbeIsSentAtMostOncePerIntervalAndNotWhileARequestIsInFlight() {
        LeastLoadedChooser chooser = chooser();
        ServiceInstance other = this.instances.get(1);
        this.load.requestStarted(this.first);
        this.load.requestCompleted(this.first, 500_000_000L);
        this.load.requestStarted(other);
        this.load.requestCompleted(other, 1_000_000L);
        List<ServiceInstance> two = List.of(this.first, other);
        assertThat(chooser.choose(two)).isSameAs(other);
        this.clock.advance(this.settings.getProbeInterval().plusMillis(500));
        Map<String, Integer> picks = new HashMap<>();
        for (int i = 0; i < 100; i++) {
            picks.merge(chooser.choose(two).getInstanceId(), 1, Integer::sum);
        }
        assertThat(picks).containsEntry("recovery-1", 1);
        this.clock.advance(this.settings.getProbeInterval().plusMillis(500));
        this.load.requestStarted(this.first);
        for (int i = 0; i < 100; i++) {
            assertThat(chooser.choose(two)).isSameAs(other);
        }
    }

    @Test
    void theAnswerToAProbeReplacesTheStaleAverage() {
        LeastLoadedChooser chooser = chooser();
        run(chooser, Duration.ofSeconds(2), SLOW_MILLIS, true);
        this.clock.advance(this.settings.getProbeInterval().plusMillis(100));
        Map<String, Integer> picks = run(chooser, Duration.ofMillis(200), SLOW_MILLIS, false);
        assertThat(picks).containsKey("recovery-1");
        ObservedLoad.InstanceLoad figures = this.load.find("recovery", "recovery-1");
        // blended, it would still be above 100 ms
        assertThat(figures.ewmaNanos()).isCloseTo(FAST_MILLIS * 1_000_000.0,
                org.assertj.core.data.Offset.offset(FAST_MILLIS * 100_000.0));
    }

    private LeastLoadedChooser chooser() {
        return new LeastLoadedChooser("recovery", this.load, this.settings, this.published);
    }

    /** Calls one after another for {@code duration}; the first instance takes {@code slowMillis} when slow. */
    private Map<String, Integer> run(LeastLoadedChooser chooser, Duration duration, long slowMillis,
            boolean firstIsSlow) {
        return run(chooser, duration, slowMillis, firstIsSlow, FAST_MILLIS);
    }

    private Map<String, Integer> run(LeastLoadedChooser chooser, Duration duration, long slowMillis,
            boolean firstIsSlow, long fastMillis) {
        Map<String, Integer> picks = new HashMap<>();
        long end = this.clock.millis() + duration.toMillis();
        while (this.clock.millis() < end) {
            ServiceInstance chosen = chooser.choose(this.instances);
            picks.merge(chosen.getInstanceId(), 1, Integer::sum);
            long millis = (chosen == this.first && firstIsSlow) ? slowMillis : fastMillis;
            this.load.requestStarted(chosen);
            this.clock.advance(Duration.ofMillis(millis));
            this.load.requestCompleted(chosen, millis * 1_000_000);
        }
        return picks;
    }

    /** Seconds of calls until one second in which the first instance had {@code share} of them, at most {@code limit}. */
    private int secondsUntilShareOfAtLeast(LeastLoadedChooser chooser, double share, int limit) {
        for (int second = 1; second <= limit; second++) {
            if (share(run(chooser, Duration.ofSeconds(1), SLOW_MILLIS, false)) >= share) {
                return second;
            }
        }
        return Integer.MAX_VALUE;
    }

    private static double share(Map<String, Integer> picks) {
        int total = picks.values().stream().mapToInt(Integer::intValue).sum();
        return (total > 0) ? picks.getOrDefault("recovery-1", 0) / (double) total : 0;
    }
}
