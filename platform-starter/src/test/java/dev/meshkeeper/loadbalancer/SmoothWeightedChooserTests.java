package dev.meshkeeper.loadbalancer;

import static dev.meshkeeper.loadbalancer.TestInstances.instance;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
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
    void picksAreSpreadOutLikeNginxRatherThanInBursts() {
        List<ServiceInstance> instances = List.of(instance("nginx", 1, "weight", "5"), instance("nginx", 2,
                "weight", "1"), instance("nginx", 3, "weight", "1"));
        List<String> sequence = new ArrayList<>();
        for (int i = 0; i < 7; i++) {
            sequence.add(this.chooser.choose(instances).getInstanceId());
        }
        assertThat(sequence).containsExactly("nginx-1", "nginx-1", "nginx-2", "nginx-1", "nginx-3", "nginx-1",
                "nginx-1");
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

    private static int occurrences(String text, String part) {
        int count = 0;
        for (int at = text.indexOf(part); at >= 0; at = text.indexOf(part, at + 1)) {
            count++;
        }
        return count;
    }
}
