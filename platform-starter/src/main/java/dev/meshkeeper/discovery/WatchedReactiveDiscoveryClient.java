package dev.meshkeeper.discovery;

import org.apache.curator.x.discovery.ServiceDiscovery;
import org.springframework.cloud.client.ServiceInstance;
import org.springframework.cloud.zookeeper.discovery.ZookeeperDiscoveryProperties;
import org.springframework.cloud.zookeeper.discovery.ZookeeperInstance;
import org.springframework.cloud.zookeeper.discovery.reactive.ZookeeperReactiveDiscoveryClient;
import reactor.core.publisher.Flux;
import reactor.core.scheduler.Schedulers;

/**
 * Spring Cloud Zookeeper's {@link ZookeeperReactiveDiscoveryClient} answered from {@link WatchedInstances}, the same
 * watched caches as the blocking client: lookups are memory reads and keep answering with the last known instances
 * while ZooKeeper is unreachable, instead of a ZooKeeper round trip per call that waits for Curator's retry budget.
 * By default only UP instances are returned ({@code meshkeeper.discovery.only-up-instances}). The first lookup of a
 * service may wait for its cache to load (at most {@code meshkeeper.discovery.cache-start-timeout}, and only while
 * connected), so it runs on Reactor's bounded elastic scheduler, never on the subscriber's event loop.
 */
public class WatchedReactiveDiscoveryClient extends ZookeeperReactiveDiscoveryClient {

    private final WatchedLookup lookup;

    public WatchedReactiveDiscoveryClient(ServiceDiscovery<ZookeeperInstance> serviceDiscovery,
            ZookeeperDiscoveryProperties zookeeperProperties, WatchedInstances instances, boolean onlyUp) {
        super(serviceDiscovery, null, zookeeperProperties);
        this.lookup = new WatchedLookup(instances, onlyUp);
    }

    @Override
    public String description() {
        return "Meshkeeper watched Zookeeper Reactive Discovery Client";
    }

    @Override
    public Flux<ServiceInstance> getInstances(String serviceId) {
        return Flux.defer(() -> Flux.fromIterable(
                this.lookup.instances(serviceId)))
                .subscribeOn(Schedulers.boundedElastic());
    }

    @Override
    public Flux<String> getServices() {
        return Flux.defer(() -> Flux.fromIterable(this.lookup.services())).subscribeOn(Schedulers.boundedElastic());
    }
}
