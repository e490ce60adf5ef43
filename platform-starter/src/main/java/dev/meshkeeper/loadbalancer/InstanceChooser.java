package dev.meshkeeper.loadbalancer;

import java.util.List;
import org.springframework.cloud.client.ServiceInstance;

/** One balancing strategy: picks one of a non-empty list of instances of one service. Thread-safe. */
interface InstanceChooser {

    /** One element of {@code instances}, which is never empty. */
    ServiceInstance choose(List<ServiceInstance> instances);
}
