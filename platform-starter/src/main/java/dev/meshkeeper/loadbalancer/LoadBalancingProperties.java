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
    public static class LeastLoaded extends LeastLoadedSettings {
    }

    /** Passive outlier ejection settings. */
    public static class OutlierEjection extends OutlierEjectionSettings {
    }
}
