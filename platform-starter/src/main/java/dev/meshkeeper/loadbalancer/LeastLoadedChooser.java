package dev.meshkeeper.loadbalancer;

import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import org.springframework.cloud.client.ServiceInstance;

/**
 * Power of two choices: picks two different instances at random and takes the cheaper one. The cost of an
 * instance is {@code (requests in flight + 1) * (latency EWMA + 1 ms)} as this client observed them, times
 * {@code 1 + load-bias * load} when the instance publishes a {@code load} figure (0.0 idle to 1.0 saturated) in its
 * metadata. Comparing two random instances instead of all keeps a choice O(1) and avoids the herd that always
 * picking the single least-loaded instance causes when many clients act on the same stale figures.
 */
final class LeastLoadedChooser implements InstanceChooser {

    /** Added to every latency, so that in-flight requests still count when latencies are tiny or unknown. */
    private static final double BASE_COST_NANOS = 1_000_000;

    /** About once in this many choices, figures of idle instances no longer offered are forgotten. */
    private static final int PRUNE_EVERY = 4096;

    private final String serviceId;

    private final ObservedLoad load;

    /** This service's figures in {@link #load}, looked up once. */
    private final Map<String, ObservedLoad.InstanceLoad> loads;

    private final double loadBias;

    private final String loadKey;

    private final InvalidMetadataWarnings warnings;

    LeastLoadedChooser(String serviceId, ObservedLoad load, LoadBalancingProperties.LeastLoaded settings,
            InvalidMetadataWarnings warnings) {
        this.serviceId = serviceId;
        this.load = load;
        this.loads = load.ofService(serviceId);
        this.loadBias = settings.getLoadBias();
        this.loadKey = settings.getLoadMetadataKey();
        this.warnings = warnings;
    }

    @Override
    public ServiceInstance choose(List<ServiceInstance> instances) {
        int size = instances.size();
        // One random draw for everything: the high half picks the first candidate, the low half the second, and
        // twelve of its bits that are all zero about once in PRUNE_EVERY choices trigger a prune.
        long bits = ThreadLocalRandom.current().nextLong();
        if (((bits >>> 20) & (PRUNE_EVERY - 1)) == 0) {
            prune(instances);
        }
        if (size == 1) {
            return instances.get(0);
        }
        int first = (int) ((bits >>> 32) % size);
        int second = (int) ((bits & 0xFFFFFFFFL) % (size - 1));
        if (second >= first) {
            second++;
        }
        ServiceInstance a = instances.get(first);
        ServiceInstance b = instances.get(second);
        return (cost(a) <= cost(b)) ? a : b;
    }

    double cost(ServiceInstance instance) {
        ObservedLoad.InstanceLoad observed = this.loads.get(OutlierEjection.instanceKey(instance));
        double cost = (observed != null) ? (observed.inFlight() + 1) * (observed.ewmaNanos() + BASE_COST_NANOS)
                : BASE_COST_NANOS;
        if (this.loadBias > 0) {
            cost *= 1 + this.loadBias * publishedLoad(instance);
        }
        return cost;
    }

    private double publishedLoad(ServiceInstance instance) {
        Map<String, String> metadata = instance.getMetadata();
        String value = (metadata != null) ? metadata.get(this.loadKey) : null;
        if (value == null) {
            return 0;
        }
        try {
            double published = Double.parseDouble(value.trim());
            if (published >= 0 && !Double.isInfinite(published)) {
                return Math.min(published, 1.0);
            }
        }
        catch (NumberFormatException ex) {
            // reported below
        }
        this.warnings.warn(instance, this.loadKey, value, "load 0");
        return 0;
    }

    private void prune(List<ServiceInstance> instances) {
        Set<String> current = new HashSet<>();
        for (ServiceInstance instance : instances) {
            current.add(OutlierEjection.instanceKey(instance));
        }
        this.load.retainOnly(this.serviceId, current);
    }
}
