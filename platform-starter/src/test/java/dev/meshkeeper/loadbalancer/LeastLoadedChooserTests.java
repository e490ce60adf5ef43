package dev.meshkeeper.loadbalancer;

import static dev.meshkeeper.loadbalancer.TestInstances.instance;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.springframework.cloud.client.ServiceInstance;

@Timeout(30)
class LeastLoadedChooserTests {

    private final ObservedLoad load = new ObservedLoad(0.5);

    private final LoadBalancingProperties.LeastLoaded settings = new LoadBalancingProperties.LeastLoaded();

    private LeastLoadedChooser chooser(String serviceId) {
        return new LeastLoadedChooser(serviceId, this.load, this.settings,
                new PublishedLoads(Clock.systemUTC(), this.settings.getLoadExpiry(), null));
    }

    @Test
    void prefersTheInstanceWithFewerRequestsInFlight() {
        ServiceInstance busy = instance("inflight", 1);
        ServiceInstance idle = instance("inflight", 2);
        for (int i = 0; i < 3; i++) {
            this.load.requestStarted(busy);
        }
        this.load.requestStarted(idle);
        LeastLoadedChooser chooser = chooser("inflight");
        for (int i = 0; i < 100; i++) {
            assertThat(chooser.choose(List.of(busy, idle))).isSameAs(idle);
        }
    }

    @Test
    void prefersTheInstanceWithLowerLatency() {
        ServiceInstance slow = instance("latency", 1);
        ServiceInstance fast = instance("latency", 2);
        complete(slow, 80_000_000L, 5);
        complete(fast, 5_000_000L, 5);
        LeastLoadedChooser chooser = chooser("latency");
        for (int i = 0; i < 100; i++) {
            assertThat(chooser.choose(List.of(slow, fast))).isSameAs(fast);
        }
    }

    @Test
    void inFlightRequestsOutweighASmallLatencyAdvantage() {
        ServiceInstance fastButBusy = instance("tradeoff", 1);
        ServiceInstance slowerButIdle = instance("tradeoff", 2);
        complete(fastButBusy, 2_000_000L, 3);
        complete(slowerButIdle, 4_000_000L, 3);
        for (int i = 0; i < 4; i++) {
            this.load.requestStarted(fastButBusy);
        }
        LeastLoadedChooser chooser = chooser("tradeoff");
        assertThat(chooser.choose(List.of(fastButBusy, slowerButIdle))).isSameAs(slowerButIdle);
    }

    @Test
    void latencyAverageFollowsRecentRequests() {
        ServiceInstance recovering = instance("recovering", 1);
        ServiceInstance steady = instance("recovering", 2);
        complete(recovering, 100_000_000L, 3);
        complete(steady, 20_000_000L, 3);
        LeastLoadedChooser chooser = chooser("recovering");
        assertThat(chooser.choose(List.of(recovering, steady))).isSameAs(steady);
        complete(recovering, 1_000_000L, 10);
        assertThat(chooser.choose(List.of(recovering, steady))).isSameAs(recovering);
    }

    @Test
    void publishedLoadBiasesTheChoice() {
        ServiceInstance saturated = instance("published", 1, "load", "0.9");
        ServiceInstance quiet = instance("published", 2, "load", "0.1");
        LeastLoadedChooser chooser = chooser("published");
        for (int i = 0; i < 50; i++) {
            assertThat(chooser.choose(List.of(saturated, quiet))).isSameAs(quiet);
        }
    }

    @Test
    void publishedLoadIsIgnoredWhenTheBiasIsZero() {
        this.settings.setLoadBias(0);
        ServiceInstance saturated = instance("unbiased", 1, "load", "0.9");
        ServiceInstance quiet = instance("unbiased", 2, "load", "0.1");
        Map<String, Integer> picks = pick(chooser("unbiased"), List.of(saturated, quiet), 200);
        assertThat(picks).containsKeys("unbiased-1", "unbiased-2");
    }

    @Test
    void equallyLoadedInstancesAllGetTraffic() {
        List<ServiceInstance> instances = TestInstances.instances("equal", 5);
        Map<String, Integer> picks = pick(chooser("equal"), instances, 1000);
        assertThat(picks).hasSize(5);
        assertThat(picks.values()).allSatisfy((count) -> assertThat(count).isGreaterThan(100));
    }

    @Test
    void neverPicksTheWorstOfThreeWhenOthersAreIdle() {
        ServiceInstance overloaded = instance("three", 1);
        for (int i = 0; i < 20; i++) {
            this.load.requestStarted(overloaded);
        }
        List<ServiceInstance> instances = List.of(overloaded, instance("three", 2), instance("three", 3));
        assertThat(pick(chooser("three"), instances, 300)).doesNotContainKey("three-1");
    }

    private void complete(ServiceInstance instance, long latencyNanos, int times) {
        for (int i = 0; i < times; i++) {
            this.load.requestStarted(instance);
            this.load.requestCompleted(instance, latencyNanos);
        }
    }

    private static Map<String, Integer> pick(LeastLoadedChooser chooser, List<ServiceInstance> instances,
            int times) {
        Map<String, Integer> picks = new HashMap<>();
        for (int i = 0; i < times; i++) {
            picks.merge(chooser.choose(instances).getInstanceId(), 1, Integer::sum);
        }
        return picks;
    }
}
