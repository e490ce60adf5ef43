package dev.meshkeeper.loadbalancer;

import static dev.meshkeeper.loadbalancer.TestInstances.instance;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.cloud.client.ServiceInstance;

@Timeout(30)
@ExtendWith(OutputCaptureExtension.class)
class SmoothWeightedChooserTests {

    private final SmoothWeightedChooser chooser = new SmoothWeightedChooser();

    @Test
    void everyRunOfTotalWeightPicksEachInstanceExactlyItsWeight() {
        List<ServiceInstance> instances = List.of(instance("weighted", 1, "weight", "5"),
                instance("weighted", 2, "weight", "3"), instance("weighted", 3, "weight", "2"),
                instance("weighted", 4));
        for (int run = 0; run < 50; run++) {
            Map<String, Integer> picks = pick(instances, 11);
            assertThat(picks).containsExactlyInAnyOrderEntriesOf(
                    Map.of("weighted-1", 5, "weighted-2", 3, "weighted-3", 2, "weighted-4", 1));
        }
    }

    @Test
    void picksAreSpreadOutRatherThanInBursts() {
        List<ServiceInstance> instances = List.of(instance("spread", 1, "weight", "5"), instance("spread", 2,
                "weight", "1"), instance("spread", 3, "weight", "1"));
        List<String> sequence = new ArrayList<>();
        for (int i = 0; i < 70; i++) {
            sequence.add(this.chooser.choose(instances).getInstanceId());
        }
        for (int start = 0; start + 7 <= sequence.size(); start += 7) {
            assertThat(sequence.subList(start, start + 7)).containsOnly("spread-1", "spread-2", "spread-3")
                    .filteredOn("spread-1"::equals).hasSize(5);
        }
        // not a a a a a b c: the heavy instance never runs more than three times in a row (a b a a c a a, repeated)
        assertThat(longestRun(sequence)).isLessThanOrEqualTo(3);
        assertThat(String.join(",", sequence)).doesNotContain("spread-2,spread-3").doesNotContain("spread-3,spread-2");
    }

    @Test
    void everyWindowOfPicksGetsItsShareWithinTwoAndRunsStayWithinTheBound() {
        Random random = new Random(20);
        for (int set = 0; set < 200; set++) {
            int size = 1 + random.nextInt(8);
            int[] weights = new int[size];
            List<ServiceInstance> instances = new ArrayList<>();
            int total = 0;
            for (int i = 0; i < size; i++) {
                weights[i] = 1 + random.nextInt((set % 2 == 0) ? 5 : 100);
                total += weights[i];
                instances.add(instance("bound-" + set, i + 1, "weight", String.valueOf(weights[i])));
            }
            SmoothWeightedChooser chooser = new SmoothWeightedChooser();
            List<Integer> picks = new ArrayList<>();
            for (int i = 0; i < 2 * total; i++) {
                picks.add(instances.indexOf(chooser.choose(instances)));
            }
            for (int i = 0; i < size; i++) {
                int instance = i;
                long rest = total - weights[i];
                int runBound = (rest == 0) ? Integer.MAX_VALUE : (int) ((weights[i] + rest - 1) / rest + 1);
                assertThat(longestRun(picks.stream().map((pick) -> pick == instance).toList(), true))
                        .as("longest run of weight %d in %s", weights[i], Arrays.toString(weights))
                        .isLessThanOrEqualTo(runBound);
                for (int start = 0; start < total; start += 1 + total / 20) {
                    int count = 0;
                    for (int k = 1; k <= total; k++) {
                        count += (picks.get(start + k - 1) == instance) ? 1 : 0;
                        assertThat(Math.abs(count - (double) k * weights[i] / total))
                                .as("share of weight %d over %d picks in %s", weights[i], k, Arrays.toString(weights))
                                .isLessThan(2);
                    }
                }
            }
        }
    }

    @Test
    void concurrentPicksKeepTheExactShares() throws Exception {
        List<ServiceInstance> instances = List.of(instance("concurrent-weights", 1, "weight", "3"),
                instance("concurrent-weights", 2, "weight", "2"), instance("concurrent-weights", 3));
        Map<String, Integer> picks = new ConcurrentHashMap<>();
        ExecutorService executor = Executors.newFixedThreadPool(4);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                done.add(executor.submit(() -> {
                    for (int i = 0; i < 6_000; i++) {
                        picks.merge(this.chooser.choose(instances).getInstanceId(), 1, Integer::sum);
                    }
                }));
            }
            for (Future<?> future : done) {
                future.get(20, TimeUnit.SECONDS);
            }
        }
        finally {
            executor.shutdownNow();
        }
        assertThat(picks).containsExactlyInAnyOrderEntriesOf(
                Map.of("concurrent-weights-1", 12_000, "concurrent-weights-2", 8_000, "concurrent-weights-3", 4_000));
    }

    @Test
    void listsAServiceAlternatesBetweenEachKeepTheirExactShares() {
        List<ServiceInstance> v1 = List.of(instance("split", 1, "weight", "3"), instance("split", 2));
        List<ServiceInstance> v2 = List.of(instance("split", 3), instance("split", 4), instance("split", 5, "weight", "2"));
        Map<String, Integer> picks = new HashMap<>();
        for (int i = 0; i < 80; i++) {
            // a new list object on every choice, as a version split or zone filter hands it over
            List<ServiceInstance> offered = new ArrayList<>((i % 2 == 0) ? v1 : v2);
            picks.merge(this.chooser.choose(offered).getInstanceId(), 1, Integer::sum);
        }
        assertThat(picks).containsExactlyInAnyOrderEntriesOf(
                Map.of("split-1", 30, "split-2", 10, "split-3", 10, "split-4", 10, "split-5", 20));
        assertThat(this.chooser.cycles()).hasSize(2);
    }

    @Test
    void aNewListOfTheSameInstanceObjectsOnEveryChoiceKeepsOneCycle() {
        List<ServiceInstance> cached = List.of(instance("filtered", 1, "weight", "3"), instance("filtered", 2),
                instance("filtered", 3, "weight", "2"));
        Map<String, Integer> picks = new HashMap<>();
        for (int i = 0; i < 600; i++) {
            // as a supplier that filters the cached instances on every call hands them over
            picks.merge(this.chooser.choose(new ArrayList<>(cached)).getInstanceId(), 1, Integer::sum);
        }
        assertThat(picks).containsExactlyInAnyOrderEntriesOf(
                Map.of("filtered-1", 300, "filtered-2", 100, "filtered-3", 200));
        assertThat(this.chooser.cycles()).hasSize(1);
    }

    @Test
    void anInstanceReplacedInAListOfTheSameSizeIsNeverChosenAgainAndItsSuccessorWithinOneCycle() {
        ServiceInstance kept = instance("replaced", 1, "weight", "4");
        List<ServiceInstance> before = List.of(kept, instance("replaced", 2));
        for (int i = 0; i < 7; i++) {
            this.chooser.choose(new ArrayList<>(before));
        }
        List<ServiceInstance> after = List.of(kept, instance("replaced", 3, "weight", "2"));
        List<String> chosen = new ArrayList<>();
        // noticed at the replaced instance's turn (within one cycle of 5), then its successor's turn within 3
        for (int i = 0; i < 8; i++) {
            chosen.add(this.chooser.choose(new ArrayList<>(after)).getInstanceId());
        }
        assertThat(chosen).doesNotContain("replaced-2").contains("replaced-3");
        assertThat(pick(after, 60)).containsExactlyInAnyOrderEntriesOf(Map.of("replaced-1", 40, "replaced-3", 20));
    }

    @Test
    void weightsWhoseCycleWouldBeTooLongAreScaledDownProportionally() {
        List<ServiceInstance> instances = new ArrayList<>();
        for (int i = 1; i <= 4_000; i++) {
            instances.add(instance("huge", i, "weight", (i % 2 == 0) ? "100" : "99"));
        }
        SmoothWeightedChooser chooser = new SmoothWeightedChooser();
        Map<String, Integer> picks = new HashMap<>();
        int length = WeightedCycle.MAX_LENGTH;
        for (int i = 0; i < length; i++) {
            picks.merge(chooser.choose(instances).getInstanceId(), 1, Integer::sum);
        }
        assertThat(chooser.cycles()).singleElement().satisfies((cycle) ->
                assertThat(cycle.length()).isLessThanOrEqualTo(WeightedCycle.MAX_LENGTH));
        assertThat(picks).hasSize(4_000);
        assertThat(picks.get("huge-2")).isGreaterThanOrEqualTo(picks.get("huge-1"));
        assertThat(picks.values()).allSatisfy((count) -> assertThat(count).isBetween(60, 70));
    }

    @Test
    void refreshedListOfTheSameInstancesKeepsTheExactDistribution() {
        Map<String, Integer> picks = new HashMap<>();
        for (int i = 0; i < 40; i++) {
            // A new list of new objects on every call, as a discovery client returns it.
            List<ServiceInstance> instances = List.of(instance("refresh", 1, "weight", "3"),
                    instance("refresh", 2, "weight", "1"));
            picks.merge(this.chooser.choose(instances).getInstanceId(), 1, Integer::sum);
        }
        assertThat(picks).containsExactlyInAnyOrderEntriesOf(Map.of("refresh-1", 30, "refresh-2", 10));
    }

    @Test
    void changedWeightsAndMembersTakeEffectOnTheNextPick() {
        List<ServiceInstance> before = List.of(instance("change", 1, "weight", "1"),
                instance("change", 2, "weight", "1"));
        pick(before, 10);
        List<ServiceInstance> after = List.of(instance("change", 1, "weight", "1"),
                instance("change", 3, "weight", "4"));
        assertThat(pick(after, 50)).containsExactlyInAnyOrderEntriesOf(Map.of("change-1", 10, "change-3", 40));
    }

    @Test
    void invalidWeightCountsAsOneAndIsReportedOncePerInstance(CapturedOutput output) {
        List<ServiceInstance> instances = List.of(instance("bad-weight", 1, "weight", "heavy"),
                instance("bad-weight", 2, "weight", "-2"), instance("bad-weight", 3, "weight", "2"));
        Map<String, Integer> picks = new HashMap<>();
        for (int i = 0; i < 40; i++) {
            List<ServiceInstance> refreshed = List.of(instance("bad-weight", 1, "weight", "heavy"),
                    instance("bad-weight", 2, "weight", "-2"), instance("bad-weight", 3, "weight", "2"));
            picks.merge(this.chooser.choose((i % 2 == 0) ? instances : refreshed).getInstanceId(), 1, Integer::sum);
        }
        assertThat(picks).containsExactlyInAnyOrderEntriesOf(
                Map.of("bad-weight-1", 10, "bad-weight-2", 10, "bad-weight-3", 20));
        String log = output.getOut();
        assertThat(occurrences(log, "Instance bad-weight-1 of service bad-weight publishes metadata weight='heavy'"))
                .isEqualTo(1);
        assertThat(occurrences(log, "Instance bad-weight-2 of service bad-weight publishes metadata weight='-2'"))
                .isEqualTo(1);
        assertThat(log).doesNotContain("bad-weight-3 of service");
    }

    @Test
    void weightAboveTheMaximumCountsAsTheMaximumAndIsReportedOncePerInstance(CapturedOutput output) {
        SmoothWeightedChooser capped = new SmoothWeightedChooser(10);
        Map<String, Integer> picks = new HashMap<>();
        for (int i = 0; i < 240; i++) {
            List<ServiceInstance> instances = List.of(instance("greedy", 1, "weight", "2147483647"),
                    instance("greedy", 2, "weight", "99999999999"), instance("greedy", 3, "weight", "4"));
            picks.merge(capped.choose(instances).getInstanceId(), 1, Integer::sum);
        }
        assertThat(picks).containsExactlyInAnyOrderEntriesOf(
                Map.of("greedy-1", 100, "greedy-2", 100, "greedy-3", 40));
        String log = output.getOut();
        assertThat(occurrences(log, "Instance greedy-1 of service greedy publishes metadata weight='2147483647', "
                + "which is above meshkeeper.loadbalancer.max-weight (10); using weight 10")).isEqualTo(1);
        assertThat(occurrences(log, "Instance greedy-2 of service greedy publishes metadata weight='99999999999'"))
                .isEqualTo(1);
        assertThat(log).doesNotContain("greedy-3 of service");
    }

    @Test
    void defaultMaximumIsOneHundred() {
        List<ServiceInstance> instances = List.of(instance("default-cap", 1, "weight", "1000000"),
                instance("default-cap", 2, "weight", "100"));
        assertThat(pick(instances, 200)).containsExactlyInAnyOrderEntriesOf(
                Map.of("default-cap-1", 100, "default-cap-2", 100));
    }

    private Map<String, Integer> pick(List<ServiceInstance> instances, int times) {
        Map<String, Integer> picks = new HashMap<>();
        for (int i = 0; i < times; i++) {
            picks.merge(this.chooser.choose(instances).getInstanceId(), 1, Integer::sum);
        }
        return picks;
    }

    private static int longestRun(List<?> sequence) {
        int longest = 0;
        int run = 0;
        for (int i = 0; i < sequence.size(); i++) {
            run = (i > 0 && sequence.get(i).equals(sequence.get(i - 1))) ? run + 1 : 1;
            longest = Math.max(longest, run);
        }
        return longest;
    }

    /** The longest run of {@code value} in {@code sequence}. */
    private static int longestRun(List<Boolean> sequence, boolean value) {
        int longest = 0;
        int run = 0;
        for (Boolean element : sequence) {
            run = (element == value) ? run + 1 : 0;
            longest = Math.max(longest, run);
        }
        return longest;
    }

    private static int occurrences(String text, String part) {
        int count = 0;
        for (int at = text.indexOf(part); at >= 0; at = text.indexOf(part, at + 1)) {
            count++;
        }
        return count;
    }
}
