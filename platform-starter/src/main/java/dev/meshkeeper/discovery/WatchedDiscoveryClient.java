package dev.meshkeeper.discovery;

import java.util.List;
import org.apache.curator.x.discovery.ServiceDiscovery;
import org.springframework.cloud.client.ServiceInstance;
import org.springframework.cloud.zookeeper.discovery.ZookeeperDiscoveryClient;
import org.springframework.cloud.zookeeper.discovery.ZookeeperDiscoveryProperties;
import org.springframework.cloud.zookeeper.discovery.ZookeeperInstance;

/**
 * Spring Cloud Zookeeper's {@link ZookeeperDiscoveryClient} answered from {@link WatchedInstances}: lookups are
 * memory reads that follow ZooKeeper within the watch latency, instead of a ZooKeeper round trip per instance.
 * By default only UP instances are returned ({@code meshkeeper.discovery.only-up-instances}), so a caller that
 * iterates {@code getInstances} never picks a draining or out-of-service instance.
 */
public class WatchedDiscoveryClient extends ZookeeperDiscoveryClient {

    private final WatchedLookup lookup;

    public WatchedDiscoveryClient(ServiceDiscovery<ZookeeperInstance> serviceDiscovery,
            ZookeeperDiscoveryProperties zookeeperProperties, WatchedInstances instances, boolean onlyUp) {
        super(serviceDiscovery, null, zookeeperProperties);
        this.lookup = new WatchedLookup(instances, onlyUp);
    }

    @Override
    public String description() {
        return "Meshkeeper watched Zookeeper Discovery Client";
    }

    @Override
    public List<ServiceInstance> getInstances(String serviceId) {
        return this.lookup.instances(serviceId);
    }

    @Override
    public List<String> getServices() {
        return this.lookup.services();
    }
}
