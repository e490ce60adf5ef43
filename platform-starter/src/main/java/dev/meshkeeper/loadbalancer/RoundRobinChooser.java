package dev.meshkeeper.loadbalancer;

import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import org.springframework.cloud.client.ServiceInstance;

/** Each instance in turn, from a random start (so that many clients do not all begin with the same instance). */
final class RoundRobinChooser implements InstanceChooser {

    private final AtomicInteger position = new AtomicInteger(ThreadLocalRandom.current().nextInt(1000));

    @Override
    public ServiceInstance choose(List<ServiceInstance> instances) {
        int next = this.position.incrementAndGet() & Integer.MAX_VALUE;
        return instances.get(next % instances.size());
    }
}
