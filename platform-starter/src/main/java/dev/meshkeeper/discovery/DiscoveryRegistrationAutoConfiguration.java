package dev.meshkeeper.discovery;

import dev.meshkeeper.ConditionalOnMeshkeeperEnabled;
import dev.meshkeeper.zookeeper.ZooKeeperConnectionMonitor;
import dev.meshkeeper.zookeeper.ZooKeeperRequests;
import jakarta.servlet.Filter;
import java.time.Duration;
import java.util.function.BooleanSupplier;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.x.discovery.ServiceDiscovery;
import org.apache.curator.x.discovery.details.InstanceSerializer;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.health.actuate.endpoint.HealthEndpoint;
import org.springframework.cloud.zookeeper.discovery.ZookeeperDiscoveryProperties;
import org.springframework.cloud.zookeeper.discovery.ZookeeperInstance;
import org.springframework.cloud.zookeeper.serviceregistry.ZookeeperRegistration;
import org.springframework.cloud.zookeeper.serviceregistry.ZookeeperServiceRegistry;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;

/**
 * This instance's side of discovery, on top of Spring Cloud Zookeeper's registration: zone, weight and version in
 * the metadata and runtime updates ({@link InstanceRegistration}), readiness- and optionally health-driven
 * {@code instance_status}, and graceful deregistration before the web server stops.
 */
@AutoConfiguration(after = DiscoveryAutoConfiguration.class,
        afterName = "org.springframework.cloud.zookeeper.serviceregistry.ZookeeperAutoServiceRegistrationAutoConfiguration")
@ConditionalOnMeshkeeperEnabled
@ConditionalOnBooleanProperty(name = "meshkeeper.discovery.enabled", matchIfMissing = true)
@ConditionalOnBean({ ZookeeperRegistration.class, ZookeeperServiceRegistry.class, WatchedInstances.class })
public class DiscoveryRegistrationAutoConfiguration {

    @Bean
    @ConditionalOnMissingBean
    InstanceRegistration instanceRegistration(ZookeeperRegistration registration,
            ServiceDiscovery<ZookeeperInstance> serviceDiscovery, ZookeeperDiscoveryProperties zookeeperProperties,
            Environment environment, MeshkeeperDiscoveryProperties properties,
            ObjectProvider<ZooKeeperConnectionMonitor> monitor, CuratorFramework curator,
            ObjectProvider<ZooKeeperRequests> requests,
            ObjectProvider<InstanceSerializer<ZookeeperInstance>> serializer) {
        ZooKeeperConnectionMonitor connectionMonitor = monitor.getIfAvailable();
        BooleanSupplier connected = (connectionMonitor != null) ? connectionMonitor::isConnected
                : () -> curator.getZookeeperClient().isConnected();
        return new InstanceRegistration(registration, serviceDiscovery, zookeeperProperties,
                environment.getProperty("spring.application.name", "application"), properties, connected,
                requests.getIfAvailable(), serializer.getIfAvailable());
    }

    @Bean
    @ConditionalOnMissingBean
    RegistrationStatusDriver registrationStatusDriver(InstanceRegistration registration, WatchedInstances instances,
            MeshkeeperDiscoveryProperties properties, ObjectProvider<HealthStatusSource> health) {
        return new RegistrationStatusDriver(registration, instances,
                properties.isHealthDrivesStatus() ? health.getIfAvailable() : null,
                properties.getHealthCheckInterval());
    }

    @Bean
    @ConditionalOnMissingBean
    GracefulDeregistration gracefulDeregistration(InstanceRegistration registration,
            ZookeeperServiceRegistry serviceRegistry, WatchedInstances instances,
            ObjectProvider<InFlightRequests> inFlight, MeshkeeperDiscoveryProperties properties,
            ObjectProvider<ZooKeeperRequests> requests) {
        ZooKeeperRequests zooKeeperRequests = requests.getIfAvailable();
        return new GracefulDeregistration(registration, serviceRegistry, instances, inFlight.getIfAvailable(),
                properties.getDrainTimeout(), properties.getPropagationDelay(),
                (zooKeeperRequests != null) ? zooKeeperRequests.timeout() : Duration.ofSeconds(1));
    }

    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(Filter.class)
    @ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
    static class InFlightRequestsConfiguration {

        @Bean
        @ConditionalOnMissingBean
        InFlightRequests meshkeeperInFlightRequests() {
            return new InFlightRequests();
        }
    }

    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(HealthEndpoint.class)
    @ConditionalOnBooleanProperty(name = "meshkeeper.discovery.health-drives-status")
    static class HealthDrivenStatusConfiguration {

        @Bean
        HealthStatusSource meshkeeperHealthStatusSource(ObjectProvider<HealthEndpoint> endpoint) {
            return new HealthStatusSource(endpoint);
        }
    }
}
