package dev.meshkeeper.discovery;

import dev.meshkeeper.ConditionalOnMeshkeeperEnabled;
import dev.meshkeeper.zookeeper.ZooKeeperConnectionMonitor;
import dev.meshkeeper.zookeeper.ZooKeeperRequests;
import java.time.Duration;
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
            ZooKeeperConnectionMonitor monitor, ObjectProvider<ZooKeeperRequests> requests,
            ObjectProvider<InstanceSerializer<ZookeeperInstance>> serializer) {
        InstanceRegistration instanceRegistration = new InstanceRegistration(registration, serviceDiscovery,
                zookeeperProperties, environment.getProperty("spring.application.name", "application"), properties,
                monitor::isConnected, requests.getIfAvailable(), serializer.getIfAvailable());
        requireWeightWithinMax(instanceRegistration, properties, environment);
        return instanceRegistration;
    }

    /** Refuses to start an instance whose weight callers would not honour (they cap it at the maximum). */
    static void requireWeightWithinMax(InstanceRegistration registration, MeshkeeperDiscoveryProperties properties,
            Environment environment) {
        int maxWeight = environment.getProperty(InstanceRegistration.MAX_WEIGHT_PROPERTY, Integer.class,
                InstanceRegistration.DEFAULT_MAX_WEIGHT);
        String weight = registration.metadata().get(InstanceRegistration.WEIGHT_KEY);
        long value;
        try {
            value = Long.parseLong(weight.trim());
        }
        catch (RuntimeException ex) {
            return; // not a number: callers warn about it and use weight 1
        }
        if (value > maxWeight) {
            String property = (properties.getWeight() != null) ? "meshkeeper.discovery.weight"
                    : "spring.cloud.zookeeper.discovery.metadata." + InstanceRegistration.WEIGHT_KEY;
            throw new InstanceWeightTooHighException(property, weight, maxWeight);
        }
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

    /** Counts a servlet application's requests in progress, for the drain. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(name = "jakarta.servlet.Filter")
    @ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
    static class ServletInFlightRequestsConfiguration {

        @Bean
        @ConditionalOnMissingBean
        InFlightRequests meshkeeperInFlightRequests() {
            return new InFlightRequests();
        }

        @Bean
        @ConditionalOnMissingBean
        InFlightRequestsFilter meshkeeperInFlightRequestsFilter(InFlightRequests inFlight) {
            return new InFlightRequestsFilter(inFlight);
        }
    }

    /** Counts a reactive application's exchanges in progress, for the drain. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(name = "org.springframework.web.server.WebFilter")
    @ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.REACTIVE)
    static class ReactiveInFlightRequestsConfiguration {

        @Bean
        @ConditionalOnMissingBean
        InFlightRequests meshkeeperInFlightRequests() {
            return new InFlightRequests();
        }

        @Bean
        @ConditionalOnMissingBean
        InFlightRequestsWebFilter meshkeeperInFlightRequestsWebFilter(InFlightRequests inFlight) {
            return new InFlightRequestsWebFilter(inFlight);
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
