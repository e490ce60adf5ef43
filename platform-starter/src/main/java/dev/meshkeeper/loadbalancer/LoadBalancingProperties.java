package dev.meshkeeper.loadbalancer;

import dev.meshkeeper.ValidatedProperties;
import dev.meshkeeper.discovery.InstanceRegistration;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Client-side balancing on Spring Cloud LoadBalancer: the strategy per called service, zone preference and passive
 * outlier ejection. Validated whenever bound ({@link #validate()}): a wrong value fails start-up, or a live change
 * from ZooKeeper is rejected, with a message naming the property.
 */
@ConfigurationProperties("meshkeeper.loadbalancer")
public class LoadBalancingProperties implements ValidatedProperties {

    /** The default of {@code meshkeeper.loadbalancer.max-weight}. */
    public static final int DEFAULT_MAX_WEIGHT = InstanceRegistration.DEFAULT_MAX_WEIGHT;

    /** Whether Meshkeeper's balancers replace Spring Cloud LoadBalancer's default round-robin balancer. */
    private boolean enabled = true;

    /** Strategy for every called service without its own: round-robin, weighted or least-loaded. */
    private String strategy = "round-robin";

    /**
     * Highest instance weight the weighted strategy honours: a registration publishing more counts as this much
     * (with one WARN per instance), and a provider whose meshkeeper.discovery.weight is above it does not start.
     */
    private int maxWeight = DEFAULT_MAX_WEIGHT;

    /** Per called service (the service id in the URL, e.g. inventory-service): its own balancing settings. */
    private Map<String, Client> clients = new LinkedHashMap<>();

    /** Whether instances in this client's zone (spring.cloud.loadbalancer.zone) are preferred; default: when a zone is set. */
    private Boolean zonePreference;

    /** Settings of the least-loaded strategy. */
    private final LeastLoaded leastLoaded = new LeastLoaded();

    /** Passive outlier ejection: instances failing in a row are left out for a while. */
    private final OutlierEjection outlierEjection = new OutlierEjection();

    public boolean isEnabled() {
        return this.enabled;
    }

    public void setEnabled(boolean enabled) {
        this.enabled = enabled;
    }

    public String getStrategy() {
        return this.strategy;
    }

    public void setStrategy(String strategy) {
        this.strategy = strategy;
    }

    public int getMaxWeight() {
        return this.maxWeight;
    }

    public void setMaxWeight(int maxWeight) {
        this.maxWeight = maxWeight;
    }

    public Map<String, Client> getClients() {
        return this.clients;
    }

    public void setClients(Map<String, Client> clients) {
        this.clients = clients;
    }

    public Boolean getZonePreference() {
        return this.zonePreference;
    }

    public void setZonePreference(Boolean zonePreference) {
        this.zonePreference = zonePreference;
    }

    public LeastLoaded getLeastLoaded() {
        return this.leastLoaded;
    }

    public OutlierEjection getOutlierEjection() {
        return this.outlierEjection;
    }

    /** The strategy for calls to {@code serviceId}: its own if configured, else the default. */
    public BalancingStrategy strategyFor(String serviceId) {
        Client client = (serviceId != null) ? this.clients.get(serviceId) : null;
        if (client != null && client.getStrategy() != null) {
            return BalancingStrategy.fromPropertyValue(client.getStrategy());
        }
        return BalancingStrategy.fromPropertyValue(this.strategy);
    }

    @Override
    public void validate() {
        requireStrategy("meshkeeper.loadbalancer.strategy", this.strategy);
        if (this.maxWeight < 1) {
            throw new InvalidLoadBalancingPropertyException("meshkeeper.loadbalancer.max-weight", this.maxWeight,
                    "is below 1", "Set meshkeeper.loadbalancer.max-weight to a positive integer (default "
                            + DEFAULT_MAX_WEIGHT + ").");
        }
        this.clients.forEach((service, client) -> {
            if (client != null && client.getStrategy() != null) {
                requireStrategy("meshkeeper.loadbalancer.clients." + service + ".strategy", client.getStrategy());
            }
        });
        this.leastLoaded.validate();
        this.outlierEjection.validate();
    }

    private static void requireStrategy(String property, String value) {
        if (BalancingStrategy.fromPropertyValue(value) == null) {
            throw new InvalidLoadBalancingPropertyException(property, value,
                    "is unknown; use one of " + BalancingStrategy.allowedValues(),
                    "Set " + property + " to one of " + BalancingStrategy.allowedValues() + ".");
        }
    }

    /** Balancing settings of one called service. */
    public static class Client {

        /** Strategy for this service: round-robin, weighted or least-loaded; default: meshkeeper.loadbalancer.strategy. */
        private String strategy;

        /** Weighted split of calls by instance version, e.g. v1=90,v2=10; changeable live; unset means no split. */
        private String versionSplit;

        public String getVersionSplit() {
            return this.versionSplit;
        }

        public void setVersionSplit(String versionSplit) {
            this.versionSplit = versionSplit;
        }

        public String getStrategy() {
            return this.strategy;
        }

        public void setStrategy(String strategy) {
            this.strategy = strategy;
        }
    }

    /** Settings of the least-loaded strategy. */
    public static class LeastLoaded {

        /** Weight of a new latency sample in the moving average (0 < x <= 1); higher reacts faster. */
        private double latencySmoothing = 0.3;

        /**
         * How much an instance's published load (0.0 idle to 1.0 saturated; header or metadata) raises its cost, as
         * 1 + load-bias * load / (1.05 - load); 0 ignores published loads.
         */
        private double loadBias = 1.0;

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

        public double getLoadBias() {
            return this.loadBias;
        }

        public void setLoadBias(double loadBias) {
            this.loadBias = loadBias;
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
            if (!(this.loadBias >= 0) || Double.isInfinite(this.loadBias)) {
                throw new InvalidLoadBalancingPropertyException("meshkeeper.loadbalancer.least-loaded.load-bias",
                        this.loadBias, "must be 0 or more",
                        "Set meshkeeper.loadbalancer.least-loaded.load-bias to 0 (ignore load metadata) or a positive "
                                + "factor such as 1.0.");
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

    /** Passive outlier ejection settings. */
    public static class OutlierEjection {

        /** Whether instances failing in a row (connect errors, 5xx) are ejected for a while. */
        private boolean enabled = true;

        /** Failures in a row (connect errors or 5xx responses) that eject an instance. */
        private int consecutiveFailures = 5;

        /** How long a first ejection lasts; each repeat lasts this times the number of ejections in a row. */
        private Duration baseEjectionTime = Duration.ofSeconds(30);

        /** Longest an ejection lasts, however often the instance was ejected. */
        private Duration maxEjectionTime = Duration.ofMinutes(5);

        /** Most instances of a service (in percent, rounded down) that may be ejected at the same time. */
        private int maxEjectedPercent = 50;

        public boolean isEnabled() {
            return this.enabled;
        }

        public void setEnabled(boolean enabled) {
            this.enabled = enabled;
        }

        public int getConsecutiveFailures() {
            return this.consecutiveFailures;
        }

        public void setConsecutiveFailures(int consecutiveFailures) {
            this.consecutiveFailures = consecutiveFailures;
        }

        public Duration getBaseEjectionTime() {
            return this.baseEjectionTime;
        }

        public void setBaseEjectionTime(Duration baseEjectionTime) {
            this.baseEjectionTime = baseEjectionTime;
        }

        public Duration getMaxEjectionTime() {
            return this.maxEjectionTime;
        }

        public void setMaxEjectionTime(Duration maxEjectionTime) {
            this.maxEjectionTime = maxEjectionTime;
        }

        public int getMaxEjectedPercent() {
            return this.maxEjectedPercent;
        }

        public void setMaxEjectedPercent(int maxEjectedPercent) {
            this.maxEjectedPercent = maxEjectedPercent;
        }

        void validate() {
            String prefix = "meshkeeper.loadbalancer.outlier-ejection.";
            if (this.consecutiveFailures < 1) {
                throw new InvalidLoadBalancingPropertyException(prefix + "consecutive-failures",
                        this.consecutiveFailures, "must be at least 1",
                        "Set " + prefix + "consecutive-failures to 1 or more, or " + prefix
                                + "enabled=false to switch ejection off.");
            }
            if (this.baseEjectionTime == null || this.baseEjectionTime.isNegative()
                    || this.baseEjectionTime.isZero()) {
                throw new InvalidLoadBalancingPropertyException(prefix + "base-ejection-time", this.baseEjectionTime,
                        "must be positive", "Set " + prefix + "base-ejection-time to a duration such as 30s.");
            }
            if (this.maxEjectionTime == null || this.maxEjectionTime.compareTo(this.baseEjectionTime) < 0) {
                throw new InvalidLoadBalancingPropertyException(prefix + "max-ejection-time", this.maxEjectionTime,
                        "must not be shorter than " + prefix + "base-ejection-time (" + this.baseEjectionTime + ")",
                        "Set " + prefix + "max-ejection-time to at least " + prefix + "base-ejection-time.");
            }
            if (this.maxEjectedPercent < 0 || this.maxEjectedPercent > 100) {
                throw new InvalidLoadBalancingPropertyException(prefix + "max-ejected-percent",
                        this.maxEjectedPercent, "must be between 0 and 100",
                        "Set " + prefix + "max-ejected-percent to a percentage such as 50.");
            }
        }
    }
}
