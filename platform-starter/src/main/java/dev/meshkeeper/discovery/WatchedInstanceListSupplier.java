package dev.meshkeeper.discovery;

import java.util.List;
import org.springframework.cloud.client.ServiceInstance;
import org.springframework.cloud.loadbalancer.core.ServiceInstanceListSupplier;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The LoadBalancer's instance list for one service, read from {@link WatchedInstances}: only UP instances, as of
 * the last ZooKeeper watch event. It replaces Spring Cloud Zookeeper's supplier for every LoadBalancer client and
 * is deliberately not wrapped in Spring Cloud LoadBalancer's caching supplier: the list is already in memory and
 * pushed by ZooKeeper, and a TTL cache on top would only keep returning instances that have left or are draining
 * (35 s by default).
 */
public class WatchedInstanceListSupplier implements ServiceInstanceListSupplier {

    private final String serviceId;

    private final WatchedInstances instances;

    public WatchedInstanceListSupplier(String serviceId, WatchedInstances instances) {
        this.serviceId = serviceId;
        this.instances = instances;
    }

    @Override
    public String getServiceId() {
        return this.serviceId;
    }

    /**
     * One list per subscription: the UP instances at the time of subscribing. The Flux is a {@code Callable}, so a
     * balancer may take the list with one call instead of subscribing.
     */
    @Override
    public Flux<List<ServiceInstance>> get() {
        return Mono.fromSupplier(() -> this.instances.instances(this.serviceId)).flux();
    }
}
