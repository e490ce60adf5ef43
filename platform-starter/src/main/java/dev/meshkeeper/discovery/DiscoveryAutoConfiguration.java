package dev.meshkeeper.discovery;

import dev.meshkeeper.ConditionalOnMeshkeeperEnabled;
import dev.meshkeeper.zookeeper.ZooKeeperConnectionAutoConfiguration;
import dev.meshkeeper.zookeeper.ZooKeeperConnectionMonitor;
import dev.meshkeeper.zookeeper.ZooKeeperRequests;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.micrometer.observation.ObservationRegistry;
import java.time.Duration;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.x.discovery.ServiceDiscovery;
import org.apache.curator.x.discovery.details.InstanceSerializer;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.cloud.client.ConditionalOnBlockingDiscoveryEnabled;
import org.springframework.cloud.client.ConditionalOnDiscoveryEnabled;
import org.springframework.cloud.client.ConditionalOnReactiveDiscoveryEnabled;
import org.springframework.cloud.loadbalancer.annotation.LoadBalancerClients;
import org.springframework.cloud.loadbalancer.core.ServiceInstanceListSupplier;
import org.springframework.cloud.zookeeper.discovery.ConditionalOnZookeeperDiscoveryEnabled;
import org.springframework.cloud.zookeeper.discovery.ZookeeperDiscoveryClient;
import org.springframework.cloud.zookeeper.discovery.ZookeeperDiscoveryProperties;
import org.springframework.cloud.zookeeper.discovery.ZookeeperInstance;
import org.springframework.cloud.zookeeper.discovery.reactive.ZookeeperReactiveDiscoveryClient;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import reactor.core.publisher.Flux;

/**
 * The watched instance cache ({@link WatchedInstances}) over Spring Cloud Zookeeper's registrations, and what reads
 * from it: the blocking and reactive {@code DiscoveryClient}s (replacing Spring Cloud Zookeeper's), a service registry
 * whose calls are bounded by the operation timeout, the LoadBalancer's instance
 * list supplier (replacing Spring Cloud Zookeeper's, without the TTL cache), the
 * {@code meshkeeper.discovery.instances} gauge, the {@code meshkeeper.discovery.change} observations and the
 * {@code discovery} section of the {@code meshkeeper} endpoint.
 * The cache follows the connection through the {@link ZooKeeperConnectionMonitor}, so it is present only with the
 * monitor ({@code meshkeeper.zookeeper.enabled}, on by default).
 */
@AutoConfiguration(after = ZooKeeperConnectionAutoConfiguration.class,
        afterName = "org.springframework.cloud.zookeeper.ZookeeperAutoConfiguration", beforeName = {
        "org.springframework.cloud.zookeeper.discovery.ZookeeperDiscoveryClientConfiguration",
        "org.springframework.cloud.zookeeper.discovery.reactive.ZookeeperReactiveDiscoveryClientConfiguration" })
@ConditionalOnClass({ CuratorFramework.class, ZookeeperDiscoveryClient.class })
@ConditionalOnBean({ CuratorFramework.class, ZooKeeperConnectionMonitor.class })
@ConditionalOnMeshkeeperEnabled
@ConditionalOnBooleanProperty(name = "meshkeeper.discovery.enabled", matchIfMissing = true)
@ConditionalOnDiscoveryEnabled
@ConditionalOnZookeeperDiscoveryEnabled
@EnableConfigurationProperties(MeshkeeperDiscoveryProperties.class)
public class DiscoveryAutoConfiguration {

    @Bean(destroyMethod = "close")
    @ConditionalOnMissingBean
    WatchedInstances watchedInstances(CuratorFramework curator, ZookeeperDiscoveryProperties zookeeperProperties,
            ObjectProvider<InstanceSerializer<ZookeeperInstance>> serializer,
            MeshkeeperDiscoveryProperties properties, ZooKeeperConnectionMonitor monitor,
            ObjectProvider<ZooKeeperRequests> requests) {
        ZooKeeperRequests zooKeeperRequests = requests.getIfAvailable();
        return new WatchedInstances(curator, zookeeperProperties.getRoot(),
                serializer.getIfAvailable(ZookeeperInstanceSerializer::new),
                properties.getCacheStartTimeout(), properties.getRemovalGrace(), monitor,
                (zooKeeperRequests != null) ? zooKeeperRequests.timeout() : Duration.ofSeconds(1),
                properties.getPreloadServices());
    }

    /** The {@code meshkeeper.discovery.change} observations, when the application has an ObservationRegistry. */
    @Bean
    @ConditionalOnMissingBean(name = "discoveryObservations")
    DiscoveryObservations discoveryObservations(WatchedInstances instances,
            ObjectProvider<ObservationRegistry> observations) {
        return new DiscoveryObservations(instances, observations.getIfUnique(() -> ObservationRegistry.NOOP));
    }

    @Bean
    @ConditionalOnMissingBean(name = "discoveryEndpointContributor")
    DiscoveryEndpointContributor discoveryEndpointContributor(WatchedInstances instances,
            ObjectProvider<InstanceRegistration> registration) {
        return new DiscoveryEndpointContributor(instances, registration);
    }

    @Configuration(proxyBeanMethods = false)
    @ConditionalOnBlockingDiscoveryEnabled
    static class WatchedDiscoveryClientConfiguration {

        @Bean
        @ConditionalOnMissingBean(ZookeeperDiscoveryClient.class)
        WatchedDiscoveryClient watchedDiscoveryClient(ServiceDiscovery<ZookeeperInstance> serviceDiscovery,
                ZookeeperDiscoveryProperties zookeeperProperties, WatchedInstances instances,
                MeshkeeperDiscoveryProperties properties) {
            return new WatchedDiscoveryClient(serviceDiscovery, zookeeperProperties, instances,
                    properties.isOnlyUpInstances());
        }
    }

    /**
     * Bounds Spring Cloud Zookeeper's service registry by the operation timeout, so that registering while
     * ZooKeeper is away neither blocks nor fails the application's start.
     */
    @Bean
    static OperationBoundedServiceRegistryPostProcessor meshkeeperOperationBoundedServiceRegistry(
            ObjectProvider<ServiceDiscovery<ZookeeperInstance>> serviceDiscovery,
            ObjectProvider<ZooKeeperRequests> requests) {
        return new OperationBoundedServiceRegistryPostProcessor(serviceDiscovery, requests);
    }

    /**
     * Takes the place of Spring Cloud Zookeeper's reactive client (whose configuration backs off and builds its
     * {@code reactiveDiscoveryClient} health indicator over this one), so that reactive lookups and that health
     * indicator answer from memory too.
     */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass({ Flux.class, ZookeeperReactiveDiscoveryClient.class })
    @ConditionalOnReactiveDiscoveryEnabled
    static class WatchedReactiveDiscoveryClientConfiguration {

        @Bean
        @ConditionalOnMissingBean(ZookeeperReactiveDiscoveryClient.class)
        WatchedReactiveDiscoveryClient watchedReactiveDiscoveryClient(
                ServiceDiscovery<ZookeeperInstance> serviceDiscovery, ZookeeperDiscoveryProperties zookeeperProperties,
                WatchedInstances instances, MeshkeeperDiscoveryProperties properties) {
            return new WatchedReactiveDiscoveryClient(serviceDiscovery, zookeeperProperties, instances,
                    properties.isOnlyUpInstances());
        }
    }

    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(ServiceInstanceListSupplier.class)
    @LoadBalancerClients(defaultConfiguration = WatchedLoadBalancerClientConfiguration.class)
    static class WatchedLoadBalancerConfiguration {

    }

    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(MeterBinder.class)
    static class DiscoveryMetricsConfiguration {

        @Bean
        @ConditionalOnMissingBean(name = "discoveryMetrics")
        MeterBinder discoveryMetrics(WatchedInstances instances) {
            return new DiscoveryMetrics(instances);
        }
    }
}
