package dev.meshkeeper.loadbalancer;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.springframework.cloud.client.ServiceInstance;

/**
 * The load this application itself puts on each instance it calls: requests in flight and an exponentially
 * weighted moving average of their latency, fed by {@link ObservingLoadBalancerLifecycle}.
 */
final class ObservedLoad {

    private final double smoothing;

    private final Map<String, Map<String, InstanceLoad>> services = new ConcurrentHashMap<>();

    ObservedLoad(double smoothing) {
        this.smoothing = smoothing;
    }

    void requestStarted(ServiceInstance instance) {
        load(instance.getServiceId(), OutlierEjection.instanceKey(instance)).inFlight.incrementAndGet();
    }

    /** A request to {@code instance} ended; {@code latencyNanos} is negative when it is unknown. */
    void requestCompleted(ServiceInstance instance, long latencyNanos) {
        InstanceLoad load = load(instance.getServiceId(), OutlierEjection.instanceKey(instance));
        load.inFlight.updateAndGet((inFlight) -> Math.max(0, inFlight - 1));
        if (latencyNanos >= 0) {
            load.ewmaNanos.updateAndGet((bits) -> {
                double previous = Double.longBitsToDouble(bits);
                double next = (previous == 0) ? latencyNanos : previous + this.smoothing * (latencyNanos - previous);
                return Double.doubleToRawLongBits(next);
            });
        }
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

    /** Per instance of {@code serviceId}: in-flight requests and average latency in milliseconds. */
    Map<String, Map<String, Object>> describe(String serviceId) {
        Map<String, Map<String, Object>> described = new LinkedHashMap<>();
        Map<String, InstanceLoad> instances = this.services.getOrDefault(serviceId, Map.of());
        instances.forEach((key, load) -> {
            Map<String, Object> figures = new LinkedHashMap<>();
            figures.put("inFlight", load.inFlight());
            figures.put("latencyEwmaMillis", Math.round(load.ewmaNanos() / 1_000.0) / 1_000.0);
            described.put(key, figures);
        });
        return described;
    }

    private InstanceLoad load(String serviceId, String instanceKey) {
        return ofService(serviceId).computeIfAbsent(instanceKey, (key) -> new InstanceLoad());
    }

    /** Requests in flight to one instance and their smoothed latency. */
    static final class InstanceLoad {

        private final AtomicInteger inFlight = new AtomicInteger();

        private final AtomicLong ewmaNanos = new AtomicLong(Double.doubleToRawLongBits(0));

        int inFlight() {
            return this.inFlight.get();
        }

        /** Smoothed latency in nanoseconds; 0 before the first completed request. */
        double ewmaNanos() {
            return Double.longBitsToDouble(this.ewmaNanos.get());
        }
    }
}
