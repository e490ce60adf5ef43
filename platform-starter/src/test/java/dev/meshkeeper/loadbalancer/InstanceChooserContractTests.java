package dev.meshkeeper.loadbalancer;

import static dev.meshkeeper.loadbalancer.TestInstances.instance;
import static dev.meshkeeper.loadbalancer.TestInstances.instances;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.springframework.cloud.client.ServiceInstance;

/** What every balancing strategy guarantees, run against each of them. */
@Timeout(60)
class InstanceChooserContractTests {

    private static InstanceChooser chooser(BalancingStrategy strategy, String serviceId) {
        return switch (strategy) {
            case ROUND_ROBIN -> new RoundRobinChooser();
            case WEIGHTED -> new SmoothWeightedChooser();
            case LEAST_LOADED -> new LeastLoadedChooser(serviceId, new ObservedLoad(0.3),
                    new LoadBalancingProperties.LeastLoaded(),
                    new PublishedLoads(Clock.systemUTC(), Duration.ofSeconds(10), null));
        };
    }

    @ParameterizedTest
    @EnumSource(BalancingStrategy.class)
    void aSingleInstanceIsAlwaysChosen(BalancingStrategy strategy) {
        InstanceChooser chooser = chooser(strategy, "single");
        ServiceInstance only = instance("single", 1);
        for (int i = 0; i < 20; i++) {
            assertThat(chooser.choose(List.of(only))).isSameAs(only);
        }
    }

    @ParameterizedTest
    @EnumSource(BalancingStrategy.class)
    void everyInstanceGetsTrafficWhenAllAreAlike(BalancingStrategy strategy) {
        InstanceChooser chooser = chooser(strategy, "alike");
        List<ServiceInstance> all = instances("alike", 6);
        Set<String> chosen = new HashSet<>();
        for (int i = 0; i < 600; i++) {
            chosen.add(chooser.choose(all).getInstanceId());
        }
        assertThat(chosen).hasSize(6);
    }

    @ParameterizedTest
    @EnumSource(BalancingStrategy.class)
    void aRemovedInstanceIsNeverChosenAgain(BalancingStrategy strategy) {
        InstanceChooser chooser = chooser(strategy, "removed");
        List<ServiceInstance> all = instances("removed", 4);
        for (int i = 0; i < 20; i++) {
            chooser.choose(all);
        }
        List<ServiceInstance> remaining = new ArrayList<>(all.subList(0, 3));
        for (int i = 0; i < 100; i++) {
            assertThat(chooser.choose(remaining).getInstanceId()).isNotEqualTo("removed-4");
        }
    }

    @ParameterizedTest
    @EnumSource(BalancingStrategy.class)
    void concurrentChoicesAlwaysReturnAnOfferedInstance(BalancingStrategy strategy) throws Exception {
        InstanceChooser chooser = chooser(strategy, "concurrent");
        List<ServiceInstance> small = instances("concurrent", 3);
        List<ServiceInstance> large = instances("concurrent", 7);
        Set<ServiceInstance> offered = new HashSet<>(large);
        Set<String> problems = ConcurrentHashMap.newKeySet();
        ExecutorService executor = Executors.newFixedThreadPool(4);
        CountDownLatch done = new CountDownLatch(4);
        try {
            for (int t = 0; t < 4; t++) {
                int thread = t;
                executor.execute(() -> {
                    try {
                        for (int i = 0; i < 5_000; i++) {
                            List<ServiceInstance> list = ((i + thread) % 2 == 0) ? small : large;
                            ServiceInstance chosen = chooser.choose(list);
                            if (!offered.contains(chosen) || !list.contains(chosen)) {
                                problems.add(String.valueOf(chosen));
                            }
                        }
                    }
                    catch (RuntimeException ex) {
                        problems.add(ex.toString());
                    }
                    finally {
                        done.countDown();
                    }
                });
            }
            assertThat(done.await(30, TimeUnit.SECONDS)).isTrue();
        }
        finally {
            executor.shutdownNow();
        }
        assertThat(problems).isEmpty();
    }
}
