package dev.meshkeeper.loadbalancer;

import dev.meshkeeper.actuate.MeshkeeperEndpointContributor;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeSet;

/**
 * The {@code loadbalancer} section of the {@code meshkeeper} endpoint: per called service its strategy, the
 * instances ejected right now with the time they return, and for least-loaded the in-flight requests and latency
 * average of each instance.
 */
class LoadBalancingEndpointContributor implements MeshkeeperEndpointContributor {

    private final LoadBalancingProperties properties;

    private final ServiceBalancers serviceBalancers;

    private final OutlierEjection outlierEjection;

    private final ObservedLoad observedLoad;

    private final PublishedLoads publishedLoads;

    LoadBalancingEndpointContributor(LoadBalancingProperties properties, ServiceBalancers serviceBalancers,
            OutlierEjection outlierEjection, ObservedLoad observedLoad, PublishedLoads publishedLoads) {
        this.publishedLoads = publishedLoads;
        this.properties = properties;
        this.serviceBalancers = serviceBalancers;
        this.outlierEjection = outlierEjection;
        this.observedLoad = observedLoad;
    }

    @Override
    public String name() {
        return "loadbalancer";
    }

    @Override
    public Object describe() {
        Map<String, Object> section = new LinkedHashMap<>();
        section.put("defaultStrategy", this.properties.strategyFor(null).propertyValue());
        section.put("zonePreference", this.serviceBalancers.zonePreference());
        section.put("outlierEjection", this.properties.getOutlierEjection().isEnabled());
        Map<String, BalancingStrategy> strategies = this.serviceBalancers.strategies();
        TreeSet<String> serviceIds = new TreeSet<>(strategies.keySet());
        serviceIds.addAll(this.outlierEjection.services());
        Map<String, VersionSplit> splits = this.serviceBalancers.versionSplits();
        serviceIds.addAll(splits.keySet());
        Map<String, Object> services = new LinkedHashMap<>();
        for (String serviceId : serviceIds) {
            BalancingStrategy strategy = strategies.getOrDefault(serviceId, this.properties.strategyFor(serviceId));
            Map<String, Object> service = new LinkedHashMap<>();
            service.put("strategy", strategy.propertyValue());
            service.put("ejected", this.outlierEjection.ejectedInstances(serviceId));
            if (splits.containsKey(serviceId)) {
                service.put("versionSplit", splits.get(serviceId).weights());
            }
            if (strategy == BalancingStrategy.LEAST_LOADED) {
                service.put("load", this.observedLoad.describe(serviceId));
                service.put("publishedLoad", this.publishedLoads.describe(serviceId));
            }
            services.put(serviceId, service);
        }
        section.put("services", services);
        return section;
    }
}
