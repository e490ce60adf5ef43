package dev.meshkeeper.loadbalancer;

import dev.meshkeeper.discovery.InstanceMetadata;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.springframework.cloud.client.ServiceInstance;

/**
 * Smooth weighted round-robin as in nginx: each pick adds every instance's weight to its running score, picks the
 * highest score and takes the total weight off it. Over any run of (sum of weights) picks each instance is picked
 * exactly its weight times, spread out rather than in bursts. The weight is read by {@link InstanceMetadata#weight}:
 * the instance's {@code weight} metadata, a positive integer; anything else, 0 included, counts as 1 and is logged
 * once. A weight above {@code meshkeeper.loadbalancer.max-weight} counts as that maximum (logged once per instance),
 * so that one registration cannot draw all the traffic by publishing a huge weight.
 */
final class SmoothWeightedChooser implements InstanceChooser {

    private final int maxWeight;

    /** The instances of the last pick, their weights and running scores; guarded by {@code this}. */
    private List<ServiceInstance> members = List.of();

    private String[] keys = new String[0];

    private int[] weights = new int[0];

    private long[] scores = new long[0];

    private long totalWeight;

    SmoothWeightedChooser() {
        this(LoadBalancingProperties.DEFAULT_MAX_WEIGHT);
    }

    SmoothWeightedChooser(int maxWeight) {
        this.maxWeight = maxWeight;
    }

    @Override
    public synchronized ServiceInstance choose(List<ServiceInstance> instances) {
        if (!sameMembers(instances)) {
            rebuild(instances);
        }
        int best = 0;
        for (int i = 0; i < this.scores.length; i++) {
            this.scores[i] += this.weights[i];
            if (this.scores[i] > this.scores[best]) {
                best = i;
            }
        }
        this.scores[best] -= this.totalWeight;
        return instances.get(best);
    }

    private boolean sameMembers(List<ServiceInstance> instances) {
        if (instances == this.members) {
            return true;
        }
        if (instances.size() != this.keys.length) {
            return false;
        }
        boolean sameObjects = true;
        for (int i = 0; i < this.keys.length; i++) {
            ServiceInstance instance = instances.get(i);
            if (instance != this.members.get(i)) {
                sameObjects = false;
                if (!OutlierEjection.instanceKey(instance).equals(this.keys[i])) {
                    return false;
                }
            }
        }
        if (!sameObjects) {
            // The same instances in new objects (a refreshed list): their weights may have changed.
            for (int i = 0; i < this.keys.length; i++) {
                if (weightOf(instances.get(i)) != this.weights[i]) {
                    return false;
                }
            }
        }
        this.members = instances;
        return true;
    }

    private void rebuild(List<ServiceInstance> instances) {
        Map<String, Long> previousScores = new HashMap<>();
        for (int i = 0; i < this.keys.length; i++) {
            previousScores.put(this.keys[i], this.scores[i]);
        }
        int size = instances.size();
        this.keys = new String[size];
        this.weights = new int[size];
        this.scores = new long[size];
        this.totalWeight = 0;
        for (int i = 0; i < size; i++) {
            ServiceInstance instance = instances.get(i);
            this.keys[i] = OutlierEjection.instanceKey(instance);
            this.weights[i] = weightOf(instance);
            this.scores[i] = previousScores.getOrDefault(this.keys[i], 0L);
            this.totalWeight += this.weights[i];
        }
        this.members = instances;
    }

    private int weightOf(ServiceInstance instance) {
        return InstanceMetadata.weight(instance, this.maxWeight);
    }
}
