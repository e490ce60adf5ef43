package dev.meshkeeper.loadbalancer;

import java.util.List;
import org.springframework.cloud.client.ServiceInstance;

/**
 * A value worked out from one list of instances, reused for a later list that holds the very same instance objects
 * in the same order (the value itself says under which condition, e.g. the ejection state, it holds). Suppliers hand
 * over a new list object on every call (a snapshot, a filtered copy), but its elements stay the same objects until
 * the instances change, so comparing them by identity (no hashing, no allocation) tells whether the value still
 * holds. The instances are copied, so a list changed in place later is not mistaken for this one.
 */
final class SameInstances<T> {

    private final ServiceInstance[] instances;

    private final T value;

    SameInstances(List<ServiceInstance> instances, T value) {
        this.instances = instances.toArray(new ServiceInstance[0]);
        this.value = value;
    }

    /** Whether {@code instances} holds the very instance objects this value was worked out from, in order. */
    boolean holdsFor(List<ServiceInstance> instances) {
        if (instances.size() != this.instances.length) {
            return false;
        }
        for (int i = 0; i < this.instances.length; i++) {
            if (instances.get(i) != this.instances[i]) {
                return false;
            }
        }
        return true;
    }

    T value() {
        return this.value;
    }
}
