package dev.meshkeeper.loadbalancer;

import java.time.Clock;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import org.springframework.cloud.client.ServiceInstance;

/**
 * Power of two choices: picks two different instances at random and takes the cheaper one. The cost of an
 * instance is {@code (requests in flight + 1) * (latency EWMA + 1 ms)} as this client observed them (the latency
 * average decays toward zero with the age of its last sample, see {@link ObservedLoad}), times
 * {@code 1 + trust * load-bias * load / (1.05 - load)} when the instance publishes its load (0.0 idle to 1.0
 * saturated) in the {@code X-Meshkeeper-Load} header of its responses or in its metadata (the freshest of the two;
 * see {@link PublishedLoads}). The load term grows like a queue's waiting time as the instance nears saturation, so
 * the load other callers put on an instance, which this client cannot observe, still steers it away.
 * <p>
 * {@code trust} is the age of this client's last latency sample of the instance divided by
 * {@code latency-trust-time}, at most 1 (1 without a sample). A sample just taken already contains the instance's
 * queue, including the requests of this client, which its published load counts again: an instance this client
 * keeps calling is judged by its latency, and the published load takes over as that latency grows old. Without
 * this, fast instances that this client's own traffic keeps busy would look worse than an idle slow one whose low
 * load only says that nobody calls it.
 * <p>
 * An instance that appears after the first choice is in blackout for a while: its published load and latency do
 * not count yet (an idle newcomer would otherwise win every comparison and be flooded), only the requests in
 * flight this client has on it. Comparing two random instances instead of all keeps a choice O(1) and avoids the
 * herd that always picking the single least-loaded instance causes when many clients act on the same stale figures.
 * <p>
 * Probing: when the cheaper of the two wins but the other one has not been chosen for longer than the probe
 * interval and this client has no request in flight on it, the other one is chosen instead, once (at most one probe
 * per instance and interval). An instance that was slow and lost every comparison would otherwise keep its stale
 * figure for as long as it loses: the probe's latency replaces its average and its answer's header refreshes its
 * published load. A still slow instance gets at most one call per probe interval from this client; a recovered one
 * wins comparisons again from its probe's answer on. An instance whose metadata, or a response header younger than
 * the probe interval, says its load is 0.9 or more is not probed: its load already says why it loses, and a call to
 * it would wait in its queue; it is probed again once its load falls (an older header is refreshed by a probe).
 */
final class LeastLoadedChooser implements InstanceChooser {

    /** Added to every latency, so that in-flight requests still count when latencies are tiny or unknown. */
    private static final double BASE_COST_NANOS = 1_000_000;

    /** Keeps the load term finite for a saturated instance: its cost is at most 1 + 20 * load-bias times higher. */
    private static final double SATURATION_MARGIN = 0.05;

    /** A published load from which an instance counts as busy: it is not probed (the load says why it lost). */
    private static final double HOT_LOAD = 0.9;

    /** About once in this many choices, figures of idle instances no longer offered are forgotten. */
    private static final int PRUNE_EVERY = 4096;

    private final String serviceId;

    private final ObservedLoad load;

    /** This service's figures in {@link #load}, looked up once. */
    private final Map<String, ObservedLoad.InstanceLoad> loads;

    private final double loadBias;

    private final String loadKey;

    private final PublishedLoads published;

    /** This service's figures in {@link #published}, looked up once. */
    private final Map<String, PublishedLoads.Figures> publishedLoads;

    private final Clock clock;

    private final long blackoutMillis;

    /** 0 when probing is off. */
    private final long probeIntervalMillis;

    /** 0 when the published load always counts fully. */
    private final long latencyTrustMillis;

    /** Until the first choice, instances are the initial ones and have no blackout. */
    private volatile boolean started;

    LeastLoadedChooser(String serviceId, ObservedLoad load, LoadBalancingProperties.LeastLoaded settings,
            PublishedLoads published) {
        this.serviceId = serviceId;
        this.load = load;
        this.loads = load.ofService(serviceId);
        this.loadBias = settings.getLoadBias();
        this.loadKey = settings.getLoadMetadataKey();
        this.published = published;
        this.publishedLoads = published.ofService(serviceId);
        this.clock = published.clock();
        this.blackoutMillis = settings.getBlackout().toMillis();
        this.probeIntervalMillis = settings.getProbeInterval().toMillis();
        this.latencyTrustMillis = settings.getLatencyTrustTime().toMillis();
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
        if (!this.started) {
            long now = this.clock.millis();
            long initial = now - this.blackoutMillis - 1;
            for (ServiceInstance instance : instances) {
                this.publishedLoads.computeIfAbsent(OutlierEjection.instanceKey(instance),
                        (key) -> new PublishedLoads.Figures(initial, now));
            }
            this.started = true;
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
        long now = this.clock.millis();
        String keyA = OutlierEjection.instanceKey(a);
        String keyB = OutlierEjection.instanceKey(b);
        PublishedLoads.Figures figuresA = figures(keyA, now);
        PublishedLoads.Figures figuresB = figures(keyB, now);
        boolean aWins = (inBlackout(figuresA, now) || inBlackout(figuresB, now))
                ? inFlight(keyA) <= inFlight(keyB)
                : cost(a, keyA, figuresA, now) <= cost(b, keyB, figuresB, now);
        if (aWins) {
            return (probe(b, keyB, figuresB, now)) ? b : chosen(a, figuresA, now);
        }
        return (probe(a, keyA, figuresA, now)) ? a : chosen(b, figuresB, now);
    }

    /** Whether the losing candidate is due for a probe; if so, it counts as chosen now. */
    private boolean probe(ServiceInstance instance, String key, PublishedLoads.Figures figures, long now) {
        if (this.probeIntervalMillis <= 0) {
            return false;
        }
        long last = figures.lastChosenMillis.get();
        if (now - last > this.probeIntervalMillis && inFlight(key) == 0
                && !hot(instance, figures, now)
                && figures.lastChosenMillis.compareAndSet(last, now)) {
            this.load.probing(this.serviceId, key);
            return true;
        }
        return false;
    }

    /**
     * Whether the published load says {@code instance} is busy: its metadata, or a response header younger than the
     * probe interval, at {@value #HOT_LOAD} or more. An older header is what a probe is for: it may date from a
     * moment's burst, and the metadata, unchanged since, does not replace it.
     */
    private boolean hot(ServiceInstance instance, PublishedLoads.Figures figures, long now) {
        if (this.loadBias <= 0) {
            return false;
        }
        PublishedLoads.Figure figure = this.published.freshest(instance, figures, this.loadKey, now);
        return figure != null && figure.load() >= HOT_LOAD
                && (!figure.header() || now - figure.atMillis() <= this.probeIntervalMillis);
    }

    private static ServiceInstance chosen(ServiceInstance instance, PublishedLoads.Figures figures, long now) {
        // Written at most once per millisecond, so that busy instances do not contend on the field.
        if (figures.lastChosenMillis.get() != now) {
            figures.lastChosenMillis.set(now);
        }
        return instance;
    }

    /** The cost of choosing {@code instance} now, as the class comment defines it. */
    double cost(ServiceInstance instance) {
        long now = this.clock.millis();
        String key = OutlierEjection.instanceKey(instance);
        return cost(instance, key, figures(key, now), now);
    }

    private double cost(ServiceInstance instance, String key, PublishedLoads.Figures figures, long now) {
        ObservedLoad.InstanceLoad observed = this.loads.get(key);
        double cost = (observed != null)
                ? (observed.inFlight() + 1) * (this.load.latencyNanos(observed, now) + BASE_COST_NANOS)
                : BASE_COST_NANOS;
        if (this.loadBias > 0) {
            double load = this.published.load(instance, figures, this.loadKey, now);
            if (!Double.isNaN(load)) {
                cost *= 1 + trust(observed, now) * this.loadBias * load / (1 + SATURATION_MARGIN - load);
            }
        }
        return cost;
    }

    /**
     * How much the published load counts next to this client's own figures of an instance: in proportion to the age
     * of its last latency sample, fully from {@code latency-trust-time} on or without a sample.
     */
    private double trust(ObservedLoad.InstanceLoad observed, long now) {
        if (this.latencyTrustMillis <= 0 || observed == null) {
            return 1;
        }
        long age = ObservedLoad.sampleAgeMillis(observed, now);
        return (age < 0 || age >= this.latencyTrustMillis) ? 1 : (double) age / this.latencyTrustMillis;
    }

    private PublishedLoads.Figures figures(String key, long now) {
        PublishedLoads.Figures figures = this.publishedLoads.get(key);
        return (figures != null) ? figures
                : this.publishedLoads.computeIfAbsent(key, (k) -> new PublishedLoads.Figures(now, now));
    }

    private boolean inBlackout(PublishedLoads.Figures figures, long now) {
        return now - figures.firstSeenMillis < this.blackoutMillis;
    }

    private int inFlight(String key) {
        ObservedLoad.InstanceLoad observed = this.loads.get(key);
        return (observed != null) ? observed.inFlight() : 0;
    }

    private void prune(List<ServiceInstance> instances) {
        Set<String> current = new HashSet<>();
        for (ServiceInstance instance : instances) {
            current.add(OutlierEjection.instanceKey(instance));
        }
        this.load.retainOnly(this.serviceId, current);
        this.published.retainOnly(this.serviceId, current);
    }
}
