package dev.meshkeeper.discovery;

import dev.meshkeeper.actuate.MeshkeeperEndpointContributor;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.cloud.client.ServiceInstance;

/** The {@code discovery} section of the {@code meshkeeper} endpoint: this instance and the services it watches. */
class DiscoveryEndpointContributor implements MeshkeeperEndpointContributor {

    private final WatchedInstances instances;

    private final ObjectProvider<InstanceRegistration> registration;

    DiscoveryEndpointContributor(WatchedInstances instances, ObjectProvider<InstanceRegistration> registration) {
        this.instances = instances;
        this.registration = registration;
    }

    @Override
    public String name() {
        return "discovery";
    }

    @Override
    public Object describe() {
        Map<String, Object> discovery = new LinkedHashMap<>();
        InstanceRegistration registration = this.registration.getIfAvailable();
        if (registration != null) {
            Map<String, Object> instance = new LinkedHashMap<>();
            instance.put("id", registration.instanceId());
            instance.put("service", registration.serviceId());
            instance.put("status", registration.status());
            instance.put("metadata", new TreeMap<>(registration.metadata()));
            discovery.put("instance", instance);
        }
        Map<String, Object> services = new TreeMap<>();
        for (String serviceId : this.instances.watchedServices()) {
            List<ServiceInstance> all = this.instances.allInstances(serviceId);
            Map<String, Object> counts = new LinkedHashMap<>();
            counts.put("instances", all.size());
            counts.put("byStatus", countByStatus(all));
            services.put(serviceId, counts);
        }
        discovery.put("services", services);
        return discovery;
    }

    static Map<String, Long> countByStatus(List<ServiceInstance> instances) {
        Map<String, Long> counts = new TreeMap<>();
        for (ServiceInstance instance : instances) {
            String status = InstanceMetadata.isUp(instance) ? InstanceMetadata.UP : InstanceMetadata.status(instance);
            counts.merge(status, 1L, Long::sum);
        }
        return counts;
    }
}
