package dev.meshkeeper.loadbalancer;

import java.time.Duration;

/**
 * Settings of the least-loaded strategy, {@code meshkeeper.loadbalancer.least-loaded.*}; bound as
 * {@link LoadBalancingProperties.LeastLoaded}.
 */
public class LeastLoadedSettings {

    /** Weight of a new latency sample in the moving average (0 < x <= 1); higher reacts faster. */
    private double latencySmoothing = 0.3;

    /**
     * Time constant with which an instance's latency average decays toward zero while this client takes no new
     * sample of it: after this long without one it counts at about 37 %, after three times as long at 5 %. Shorter
     * forgets a slow spell sooner; longer keeps a slow instance out longer.
     */
    private Duration latencyDecayTime = Duration.ofSeconds(10);

    /**
     * How long an instance may go unchosen before this client sends it one call anyway when it loses a comparison
     * (a probe), so that its figures are refreshed; at most one probe per instance and interval, none while this
     * client has a request in flight on it. 0 turns probing off.
     */
    private Duration probeInterval = Duration.ofSeconds(2);

    /**
     * How much an instance's published load (0.0 idle to 1.0 saturated; header or metadata) raises its cost, as
     * 1 + load-bias * load / (1.05 - load); 0 ignores published loads.
     */
    private double loadBias = 1.0;

    /**
     * How long this client's own latency sample of an instance outweighs the load the instance publishes: the
     * published load counts in proportion to the sample's age, not at all for a sample just taken (its latency
     * already contains the instance's queue, the queue this client's own requests make included) and fully from this
     * age on or when there is no sample. 0 lets the published load always count fully.
     */
    private Duration latencyTrustTime = Duration.ofSeconds(1);

    /** How long a load read from a response header counts; after it, the metadata value does. */
    private Duration loadExpiry = Duration.ofSeconds(10);

    /**
     * How long an instance that appears while the service is being called is compared by this client's requests
     * in flight only, so that an idle newcomer is not flooded.
     */
    private Duration blackout = Duration.ofSeconds(10);

    /** Metadata key under which instances publish their load (0.0 idle to 1.0 saturated). */
    private String loadMetadataKey = "load";

    public double getLatencySmoothing() {
        return this.latencySmoothing;
    }

    public void setLatencySmoothing(double latencySmoothing) {
        this.latencySmoothing = latencySmoothing;
    }

    public Duration getLatencyDecayTime() {
        return this.latencyDecayTime;
    }

    public void setLatencyDecayTime(Duration latencyDecayTime) {
        this.latencyDecayTime = latencyDecayTime;
    }

    public Duration getProbeInterval() {
        return this.probeInterval;
    }

    public void setProbeInterval(Duration probeInterval) {
        this.probeInterval = probeInterval;
    }

    public double getLoadBias() {
        return this.loadBias;
    }

    public void setLoadBias(double loadBias) {
        this.loadBias = loadBias;
    }

    public Duration getLatencyTrustTime() {
        return this.latencyTrustTime;
    }

    public void setLatencyTrustTime(Duration latencyTrustTime) {
        this.latencyTrustTime = latencyTrustTime;
    }

    public Duration getLoadExpiry() {
        return this.loadExpiry;
    }

    public void setLoadExpiry(Duration loadExpiry) {
        this.loadExpiry = loadExpiry;
    }

    public Duration getBlackout() {
        return this.blackout;
    }

    public void setBlackout(Duration blackout) {
        this.blackout = blackout;
    }

    public String getLoadMetadataKey() {
        return this.loadMetadataKey;
    }

    public void setLoadMetadataKey(String loadMetadataKey) {
        this.loadMetadataKey = loadMetadataKey;
    }

    void validate() {
        if (!(this.latencySmoothing > 0 && this.latencySmoothing <= 1)) {
            throw new InvalidLoadBalancingPropertyException("meshkeeper.loadbalancer.least-loaded.latency-smoothing",
                    this.latencySmoothing, "is out of range; it must be greater than 0 and at most 1",
                    "Set meshkeeper.loadbalancer.least-loaded.latency-smoothing to a value such as 0.3.");
        }
        if (this.latencyDecayTime == null || this.latencyDecayTime.isNegative() || this.latencyDecayTime.isZero()) {
            throw new InvalidLoadBalancingPropertyException(
                    "meshkeeper.loadbalancer.least-loaded.latency-decay-time", this.latencyDecayTime,
                    "is not a positive duration",
                    "Set meshkeeper.loadbalancer.least-loaded.latency-decay-time to a duration such as 10s.");
        }
        if (this.probeInterval == null || this.probeInterval.isNegative()) {
            throw new InvalidLoadBalancingPropertyException("meshkeeper.loadbalancer.least-loaded.probe-interval",
                    this.probeInterval, "must be 0 or more",
                    "Set meshkeeper.loadbalancer.least-loaded.probe-interval to a duration such as 2s (0 for no "
                            + "probes).");
        }
        if (!(this.loadBias >= 0) || Double.isInfinite(this.loadBias)) {
            throw new InvalidLoadBalancingPropertyException("meshkeeper.loadbalancer.least-loaded.load-bias",
                    this.loadBias, "must be 0 or more",
                    "Set meshkeeper.loadbalancer.least-loaded.load-bias to 0 (ignore load metadata) or a positive "
                            + "factor such as 1.0.");
        }
        if (this.latencyTrustTime == null || this.latencyTrustTime.isNegative()) {
            throw new InvalidLoadBalancingPropertyException(
                    "meshkeeper.loadbalancer.least-loaded.latency-trust-time", this.latencyTrustTime,
                    "must be 0 or more",
                    "Set meshkeeper.loadbalancer.least-loaded.latency-trust-time to a duration such as 1s (0 lets "
                            + "published loads always count fully).");
        }
        if (this.loadExpiry == null || this.loadExpiry.isNegative()) {
            throw new InvalidLoadBalancingPropertyException("meshkeeper.loadbalancer.least-loaded.load-expiry",
                    this.loadExpiry, "must be 0 or more",
                    "Set meshkeeper.loadbalancer.least-loaded.load-expiry to a duration such as 10s.");
        }
        if (this.blackout == null || this.blackout.isNegative()) {
            throw new InvalidLoadBalancingPropertyException("meshkeeper.loadbalancer.least-loaded.blackout",
                    this.blackout, "must be 0 or more",
                    "Set meshkeeper.loadbalancer.least-loaded.blackout to a duration such as 10s (0 for none).");
        }
        if (this.loadMetadataKey == null || this.loadMetadataKey.isBlank()) {
            throw new InvalidLoadBalancingPropertyException("meshkeeper.loadbalancer.least-loaded.load-metadata-key",
                    this.loadMetadataKey, "must not be blank",
                    "Set meshkeeper.loadbalancer.least-loaded.load-metadata-key to a metadata key such as load.");
        }
    }
}
