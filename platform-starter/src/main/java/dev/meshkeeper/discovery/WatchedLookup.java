package dev.meshkeeper.discovery;

import java.util.List;
import org.springframework.cloud.client.ServiceInstance;

/**
 * What the blocking and the reactive discovery clients answer, from {@link WatchedInstances}: the UP instances of a
 * service, or all of them when {@code meshkeeper.discovery.only-up-instances} is off, and the service names.
 */
record WatchedLookup(WatchedInstances instances, boolean onlyUp) {

    List<ServiceInstance> instances(String serviceId) {
        return this.onlyUp ? this.instances.instances(serviceId) : this.instances.allInstances(serviceId);
    }

    List<String> services() {
        return this.instances.services();
    }
}
