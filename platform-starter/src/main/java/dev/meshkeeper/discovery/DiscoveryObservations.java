package dev.meshkeeper.discovery;

import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.cloud.client.ServiceInstance;

/**
 * Observes every change in the membership of a watched service as a {@value #OBSERVATION} observation (with a
 * tracer a span, with Micrometer's meter handler a timer), one per instance that changed: low-cardinality
 * {@code service} and {@code kind} ({@code added}, {@code removed} or {@code status}); high-cardinality
 * {@code instance.id} and {@code instance.status} (the status after the change; for {@code removed} the last one
 * seen). The instances a service has when its watch starts are where it starts from, not changes; a change of
 * metadata other than the status is not observed. Runs on the cache's event thread, like every
 * {@link MembershipListener}; with {@link ObservationRegistry#NOOP} it does not listen at all.
 */
final class DiscoveryObservations implements MembershipListener, DisposableBean {

    /** The name of the observation of a membership change. */
    static final String OBSERVATION = "meshkeeper.discovery.change";

    private final WatchedInstances instances;

    private final ObservationRegistry observations;

    /** Per watched service: the status of each instance, by instance id, as last heard. */
    private final ConcurrentMap<String, Map<String, String>> lastSeen = new ConcurrentHashMap<>();

    DiscoveryObservations(WatchedInstances instances, ObservationRegistry observations) {
        this.instances = instances;
        this.observations = observations;
        if (!observations.isNoop()) {
            instances.addListener(this);
            instances.watchedServices().forEach(
                    serviceId -> this.lastSeen.putIfAbsent(serviceId, statuses(instances.allInstances(serviceId))));
        }
    }

    @Override
    public void membershipChanged(String serviceId, List<ServiceInstance> instances) {
        Map<String, String> current = statuses(instances);
        // compute: the grace timer and the cache's thread may both report the same service
        this.lastSeen.compute(serviceId, (service, previous) -> {
            if (previous != null) {
                observeDifference(service, previous, current);
            }
            return current;
        });
    }

    private void observeDifference(String serviceId, Map<String, String> previous, Map<String, String> current) {
        current.forEach((id, status) -> {
            String before = previous.get(id);
            if (before == null) {
                observe(serviceId, "added", id, status);
            }
            else if (!Objects.equals(before, status)) {
                observe(serviceId, "status", id, status);
            }
        });
        previous.forEach((id, status) -> {
            if (!current.containsKey(id)) {
                observe(serviceId, "removed", id, status);
            }
        });
    }

    private void observe(String serviceId, String kind, String instanceId, String status) {
        Observation.createNotStarted(OBSERVATION, this.observations)
                .contextualName("discovery " + kind + " " + serviceId).lowCardinalityKeyValue("service", serviceId)
                .lowCardinalityKeyValue("kind", kind).highCardinalityKeyValue("instance.id", instanceId)
                .highCardinalityKeyValue("instance.status", status).start().stop();
    }

    private static Map<String, String> statuses(List<ServiceInstance> instances) {
        Map<String, String> statuses = new HashMap<>();
        for (ServiceInstance instance : instances) {
            String id = (instance.getInstanceId() != null) ? instance.getInstanceId()
                    : instance.getHost() + ":" + instance.getPort();
            statuses.put(id, InstanceMetadata.isUp(instance) ? InstanceMetadata.UP : InstanceMetadata.status(instance));
        }
        return statuses;
    }

    @Override
    public void destroy() {
        this.instances.removeListener(this);
    }
}
