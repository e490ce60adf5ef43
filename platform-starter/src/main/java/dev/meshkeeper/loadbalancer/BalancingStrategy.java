package dev.meshkeeper.loadbalancer;

import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * How a service's balancer picks one instance from the instances its {@code ServiceInstanceListSupplier} offers.
 * Chosen per called service with {@code meshkeeper.loadbalancer.clients.<service>.strategy}, or for all with
 * {@code meshkeeper.loadbalancer.strategy}.
 */
public enum BalancingStrategy {

    /** Each instance in turn, like Spring Cloud LoadBalancer's own {@code RoundRobinLoadBalancer}. */
    ROUND_ROBIN("round-robin"),

    /** Smooth weighted round-robin (nginx style) by the {@code weight} metadata of each instance (default 1). */
    WEIGHTED("weighted"),

    /**
     * Power of two choices over the requests this client has in flight to each instance and their smoothed
     * latency, optionally biased by the {@code load} metadata an instance publishes.
     */
    LEAST_LOADED("least-loaded");

    private final String propertyValue;

    BalancingStrategy(String propertyValue) {
        this.propertyValue = propertyValue;
    }

    /** The name used in configuration, e.g. {@code least-loaded}. */
    public String propertyValue() {
        return this.propertyValue;
    }

    /** The strategy named {@code value} (as written in configuration, case-insensitive), or {@code null}. */
    static BalancingStrategy fromPropertyValue(String value) {
        if (value == null) {
            return null;
        }
        String trimmed = value.trim();
        for (BalancingStrategy strategy : values()) {
            if (strategy.propertyValue.equalsIgnoreCase(trimmed)) {
                return strategy;
            }
        }
        return null;
    }

    /** All configuration names, comma separated, for error messages. */
    static String allowedValues() {
        return Arrays.stream(values()).map(BalancingStrategy::propertyValue).collect(Collectors.joining(", "));
    }
}
