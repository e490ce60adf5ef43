package dev.meshkeeper.loadbalancer;

import dev.meshkeeper.discovery.InstanceMetadata;
import java.util.Arrays;
import java.util.List;
import org.springframework.cloud.client.ServiceInstance;

/**
 * Smooth weighted round-robin without a scan or a lock per pick. The weight is read by {@link InstanceMetadata#weight}:
 * the instance's {@code weight} metadata, a positive integer; anything else, 0 included, counts as 1 and is logged
 * once. A weight above {@code meshkeeper.loadbalancer.max-weight} counts as that maximum (logged once per instance),
 * so that one registration cannot draw all the traffic by publishing a huge weight.
 * <p>
 * Each list of instances gets a {@link WeightedCycle}, built once: over any run of (sum of weights) picks each
 * instance is picked exactly its weight times, and the picks are interleaved: an instance of weight w among
 * instances weighing W in all gets its share k·w/W of any k consecutive picks to within 2, and is never picked more
 * than {@code ceil(w / (W - w)) + 1} times in a row (at most twice while it weighs no more than all the others
 * together; equal weights take turns one by one). A pick is a counter increment on the cycle. The cycle of a list is found
 * by the list's identity or, for a new list object of the same size (suppliers filter on every call), by comparing
 * the picked element with the object the cycle has at that position, so no pick scans the list. A list whose
 * elements are new objects with the same instances and weights (a refreshed registration) keeps the cycle and its
 * position; the few lists one service alternates between (version splits, zones) each keep their own; any other
 * list gets a new cycle, which starts at a random pick. A replaced instance in a list of unchanged size is noticed
 * when the cycle reaches it (within one cycle); a removed or added one at once.
 */
final class SmoothWeightedChooser implements InstanceChooser {

    /** Cycles kept per service: the lists a version split or a retry may alternate between. */
    private static final int RECENT_CYCLES = 4;

    private final int maxWeight;

    /** The cycles of the last lists, the most recent first; replaced as a whole, never changed in place. */
    private volatile WeightedCycle[] recent = new WeightedCycle[0];

    SmoothWeightedChooser() {
        this(LoadBalancingProperties.DEFAULT_MAX_WEIGHT);
    }

    SmoothWeightedChooser(int maxWeight) {
        this.maxWeight = maxWeight;
    }

    @Override
    public ServiceInstance choose(List<ServiceInstance> instances) {
        WeightedCycle[] cycles = this.recent;
        for (WeightedCycle cycle : cycles) {
            if (cycle.instances() == instances) {
                return cycle.next(instances);
            }
        }
        // A new list of the same instance objects, as a supplier that filters on every call hands over.
        for (WeightedCycle cycle : cycles) {
            ServiceInstance chosen = cycle.nextIfSame(instances);
            if (chosen != null) {
                return chosen;
            }
        }
        return cycleOf(cycles, instances).next(instances);
    }

    /** The cycle of a list with changed elements: a recent one that matches it, or a new one. */
    private WeightedCycle cycleOf(WeightedCycle[] cycles, List<ServiceInstance> instances) {
        for (int i = 0; i < cycles.length; i++) {
            WeightedCycle cycle = cycles[i];
            if (cycle.matches(instances, this.maxWeight)) {
                return remember(cycles, i, cycle.over(instances));
            }
        }
        return remember(cycles, -1, WeightedCycle.of(instances, this.maxWeight));
    }

    /** Puts {@code cycle} first, in place of the one at {@code replaced} (or of the oldest). */
    private WeightedCycle remember(WeightedCycle[] cycles, int replaced, WeightedCycle cycle) {
        WeightedCycle[] updated = new WeightedCycle[Math.min(RECENT_CYCLES, cycles.length + ((replaced < 0) ? 1 : 0))];
        updated[0] = cycle;
        int at = 1;
        for (int i = 0; i < cycles.length && at < updated.length; i++) {
            if (i != replaced) {
                updated[at++] = cycles[i];
            }
        }
        // A concurrent update may be lost: a later pick then matches or rebuilds the cycle again.
        this.recent = updated;
        return cycle;
    }

    /** The cycles kept now, for tests. */
    List<WeightedCycle> cycles() {
        return Arrays.asList(this.recent);
    }
}
