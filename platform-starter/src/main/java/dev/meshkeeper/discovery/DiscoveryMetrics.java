package dev.meshkeeper.discovery;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * {@code meshkeeper.discovery.instances}: the registered instances of every watched service, tagged {@code service}
 * and {@code status} (a status seen once keeps reporting, 0 when no instance has it any more).
 */
class DiscoveryMetrics implements MeterBinder {

    static final String INSTANCES = "meshkeeper.discovery.instances";

    private final WatchedInstances instances;

    private final Set<String> registered = ConcurrentHashMap.newKeySet();

    DiscoveryMetrics(WatchedInstances instances) {
        this.instances = instances;
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        this.instances.addListener((serviceId, all) -> register(registry, serviceId));
        this.instances.watchedServices().forEach(serviceId -> register(registry, serviceId));
    }

    private void register(MeterRegistry registry, String serviceId) {
        Map<String, Long> counts = DiscoveryEndpointContributor.countByStatus(this.instances.allInstances(serviceId));
        counts.putIfAbsent(InstanceRegistration.UP, 0L);
        for (String status : counts.keySet()) {
            if (this.registered.add(serviceId + '\u0000' + status)) {
                Gauge.builder(INSTANCES, this.instances, watched -> DiscoveryEndpointContributor
                        .countByStatus(watched.allInstances(serviceId)).getOrDefault(status, 0L))
                        .tag("service", serviceId).tag("status", status)
                        .description("Registered instances of a watched service by status").register(registry);
            }
        }
    }
}
