package dev.meshkeeper.loadbalancer;

import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.springframework.cloud.client.ServiceInstance;

/**
 * The load this application itself puts on each instance it calls: requests in flight and an exponentially
 * weighted moving average of their latency, fed by {@link ObservingLoadBalancerLifecycle}.
 * <p>
 * The latency average decays toward zero with the time since its last sample, by {@code exp(-age / decay-time)}
 * (as Linkerd's peak-EWMA does): a figure this application no longer refreshes, because it stopped calling an
 * instance that was slow, fades instead of keeping the instance out for good. A new sample is blended with the
 * decayed figure, except the answer to a probe ({@link #probing}), which replaces it.
 */
final class ObservedLoad {

    /** The default of {@code meshkeeper.loadbalancer.least-loaded.latency-decay-time}. */
    static final Duration DEFAULT_DECAY_TIME = Duration.ofSeconds(10);

    private final double smoothing;

    private final double decayMillis;

    private final Clock clock;

    private final Map<String, Map<String, InstanceLoad>> services = new ConcurrentHashMap<>();

    ObservedLoad(double smoothing) {
        this(smoothing, DEFAULT_DECAY_TIME, Clock.systemUTC());
    }

    /**
     * @param decayTime the time constant with which a latency average decays toward zero (positive)
     * @param clock the time samples are taken and decayed by
     */
    ObservedLoad(double smoothing, Duration decayTime, Clock clock) {
        this.smoothing = smoothing;
        this.decayMillis = Math.max(1, decayTime.toMillis());
        this.clock = clock;
    }

    Clock clock() {
        return this.clock;
    }

    void requestStarted(ServiceInstance instance) {
        load(instance.getServiceId(), OutlierEjection.instanceKey(instance)).inFlight.incrementAndGet();
    }

    /** A request to {@code instance} ended; {@code latencyNanos} is negative when it is unknown. */
    void requestCompleted(ServiceInstance instance, long latencyNanos) {
        InstanceLoad load = load(instance.getServiceId(), OutlierEjection.instanceKey(instance));
        load.inFlight.updateAndGet((inFlight) -> Math.max(0, inFlight - 1));
        if (latencyNanos >= 0) {
            long now = this.clock.millis();
            boolean replace = load.replaceNextSample;
            if (replace) {
                load.replaceNextSample = false;
            }
            load.latency.updateAndGet((latency) -> {
                if (latency == null || replace) {
                    return new Latency(latencyNanos, now);
                }
                double previous = latency.decayed(now, this.decayMillis);
                return new Latency(previous + this.smoothing * (latencyNanos - previous), now);
            });
        }
    }

    /**
     * A least-loaded balancer sends a probe to an instance because its figures are stale: the next latency sample of
     * the instance replaces its average instead of being blended in.
     */
    void probing(String serviceId, String instanceKey) {
        load(serviceId, instanceKey).replaceNextSample = true;
    }

    /** The latency average of {@code load} decayed to {@code nowMillis}; 0 before its first completed request. */
    double latencyNanos(InstanceLoad load, long nowMillis) {
        Latency latency = load.latency.get();
        return (latency != null) ? latency.decayed(nowMillis, this.decayMillis) : 0;
    }

    /** Milliseconds since the last latency sample of {@code load} ended, or -1 when there is none. */
    static long sampleAgeMillis(InstanceLoad load, long nowMillis) {
        Latency latency = load.latency.get();
        return (latency != null) ? Math.max(0, nowMillis - latency.atMillis()) : -1;
    }

    /** The load of {@code instance} of {@code serviceId}, or {@code null} when it was never called. */
    InstanceLoad find(String serviceId, String instanceKey) {
        Map<String, InstanceLoad> instances = this.services.get(serviceId);
        return (instances != null) ? instances.get(instanceKey) : null;
    }

    /** The load of each called instance of {@code serviceId} (by instance key), kept up to date. */
    Map<String, InstanceLoad> ofService(String serviceId) {
        return this.services.computeIfAbsent(serviceId, (id) -> new ConcurrentHashMap<>());
    }

    /** Forgets idle instances of {@code serviceId} that are not in {@code current} (they were deregistered). */
    void retainOnly(String serviceId, Set<String> current) {
        Map<String, InstanceLoad> instances = this.services.get(serviceId);
        if (instances != null) {
            instances.entrySet().removeIf((entry) -> !current.contains(entry.getKey())
                    && entry.getValue().inFlight() == 0);
        }
    }

    /**
     * Per instance of {@code serviceId}: in-flight requests, average latency in milliseconds as it counts now
     * (decayed), and how many milliseconds ago its last sample was taken ({@code null} when there is none).
     */
    Map<String, Map<String, Object>> describe(String serviceId) {
        Map<String, Map<String, Object>> described = new LinkedHashMap<>();
        Map<String, InstanceLoad> instances = this.services.getOrDefault(serviceId, Map.of());
        long now = this.clock.millis();
        instances.forEach((key, load) -> {
            Map<String, Object> figures = new LinkedHashMap<>();
            long age = sampleAgeMillis(load, now);
            figures.put("inFlight", load.inFlight());
            figures.put("latencyEwmaMillis", Math.round(latencyNanos(load, now) / 1_000.0) / 1_000.0);
            figures.put("latencySampleAgeMillis", (age >= 0) ? age : null);
            described.put(key, figures);
        });
        return described;
    }

    private InstanceLoad load(String serviceId, String instanceKey) {
        return ofService(serviceId).computeIfAbsent(instanceKey, (key) -> new InstanceLoad());
    }

    /** A latency average and when its last sample was taken. */
    private record Latency(double ewmaNanos, long atMillis) {

        double decayed(long nowMillis, double decayMillis) {
            long age = nowMillis - this.atMillis;
            return (age <= 0) ? this.ewmaNanos : this.ewmaNanos * Math.exp(-age / decayMillis);
        }
    }

    /** Requests in flight to one instance and their smoothed latency. */
    static final class InstanceLoad {

        private final AtomicInteger inFlight = new AtomicInteger();

        /** Average and time in one value, so that a reader never pairs one sample's average with another's time. */
        private final AtomicReference<Latency> latency = new AtomicReference<>();

        /** Set for a probe; a race with another completion at worst blends the probe's answer in. */
        private volatile boolean replaceNextSample;

        int inFlight() {
            return this.inFlight.get();
        }

        /** Smoothed latency in nanoseconds as of its last sample, not decayed; 0 before the first completed request. */
        double ewmaNanos() {
            Latency latency = this.latency.get();
            return (latency != null) ? latency.ewmaNanos() : 0;
        }
    }
}
