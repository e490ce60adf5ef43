package dev.meshkeeper.discovery;

import dev.meshkeeper.zookeeper.ZooKeeperRequests;
import java.time.Duration;
import org.apache.curator.x.discovery.ServiceDiscovery;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.cloud.zookeeper.discovery.ZookeeperInstance;
import org.springframework.cloud.zookeeper.serviceregistry.ZookeeperServiceRegistry;

/**
 * Puts an {@link OperationBoundedServiceRegistry} in the place of Spring Cloud Zookeeper's
 * {@link ZookeeperServiceRegistry}, which its auto-configuration defines unconditionally (a bean of the same type
 * could not take its place). The replacement works on the same Curator {@code ServiceDiscovery}. A registry of an
 * application's own class is left alone.
 */
final class OperationBoundedServiceRegistryPostProcessor implements BeanPostProcessor {

    private final ObjectProvider<ServiceDiscovery<ZookeeperInstance>> serviceDiscovery;

    private final ObjectProvider<ZooKeeperRequests> requests;

    OperationBoundedServiceRegistryPostProcessor(ObjectProvider<ServiceDiscovery<ZookeeperInstance>> serviceDiscovery,
            ObjectProvider<ZooKeeperRequests> requests) {
        this.serviceDiscovery = serviceDiscovery;
        this.requests = requests;
    }

    @Override
    public Object postProcessAfterInitialization(Object bean, String beanName) {
        // Only Spring Cloud Zookeeper's own class: an application's subclass keeps what it does.
        if (bean.getClass() == ZookeeperServiceRegistry.class) {
            ZooKeeperRequests zooKeeperRequests = this.requests.getIfAvailable();
            return new OperationBoundedServiceRegistry(this.serviceDiscovery.getObject(),
                    (zooKeeperRequests != null) ? zooKeeperRequests.timeout() : Duration.ofSeconds(1));
        }
        return bean;
    }
}
