package dev.meshkeeper.discovery;

import static org.assertj.core.api.Assertions.assertThat;

import dev.meshkeeper.MeshkeeperPropertyFailureAnalyzer;
import dev.meshkeeper.registry.junit.EmbeddedRegistry;
import dev.meshkeeper.registry.junit.RegistryHandle;
import java.time.Duration;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.x.discovery.details.JsonInstanceSerializer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.cloud.client.discovery.DiscoveryClient;
import org.springframework.cloud.client.discovery.ReactiveDiscoveryClient;
import org.springframework.cloud.client.discovery.health.DiscoveryClientHealthIndicatorProperties;
import org.springframework.cloud.loadbalancer.core.ServiceInstanceListSupplier;
import org.springframework.cloud.loadbalancer.support.LoadBalancerClientFactory;
import org.springframework.cloud.zookeeper.discovery.ZookeeperDiscoveryClient;
import org.springframework.cloud.zookeeper.serviceregistry.ZookeeperServiceRegistry;
import org.springframework.cloud.zookeeper.discovery.ZookeeperInstance;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

@EmbeddedRegistry
@Timeout(120)
class DiscoveryAutoConfigurationTests {

    private static final AutoConfigurations CONFIGURATIONS = AutoConfigurations.of(
            org.springframework.cloud.commons.util.UtilAutoConfiguration.class,
            org.springframework.cloud.zookeeper.ZookeeperAutoConfiguration.class,
            dev.meshkeeper.zookeeper.ZooKeeperConnectionAutoConfiguration.class,
            org.springframework.cloud.zookeeper.support.CuratorServiceDiscoveryAutoConfiguration.class,
            org.springframework.cloud.zookeeper.serviceregistry.ZookeeperServiceRegistryAutoConfiguration.class,
            org.springframework.cloud.zookeeper.serviceregistry.ZookeeperAutoServiceRegistrationAutoConfiguration.class,
            org.springframework.cloud.zookeeper.discovery.ZookeeperDiscoveryClientConfiguration.class,
            org.springframework.cloud.zookeeper.discovery.ZookeeperDiscoveryAutoConfiguration.class,
            DiscoveryAutoConfiguration.class, DiscoveryRegistrationAutoConfiguration.class);

    private ApplicationContextRunner contextRunner;

    private WebApplicationContextRunner webContextRunner;

    @BeforeEach
    void runners(RegistryHandle registry) {
        String[] properties = { "spring.cloud.zookeeper.connect-string=" + registry.connectString(),
                "spring.application.name=wired", "spring.cloud.zookeeper.discovery.instance-host=127.0.0.1" };
        this.contextRunner = new ApplicationContextRunner().withConfiguration(CONFIGURATIONS)
                .withPropertyValues(properties);
        this.webContextRunner = new WebApplicationContextRunner().withConfiguration(CONFIGURATIONS)
                .withPropertyValues(properties);
    }

    @Test
    void watchedDiscoveryClientReplacesSpringCloudZookeepers() {
        this.contextRunner.run(context -> {
            assertThat(context).hasSingleBean(WatchedInstances.class);
            assertThat(context).getBean(DiscoveryClient.class).isInstanceOf(WatchedDiscoveryClient.class);
            assertThat(context).hasSingleBean(ZookeeperDiscoveryClient.class);
            assertThat(context).hasSingleBean(InstanceRegistration.class);
            assertThat(context).getBean(ZookeeperServiceRegistry.class)
                    .isInstanceOf(OperationBoundedServiceRegistry.class);
            assertThat(context).hasSingleBean(RegistrationStatusDriver.class);
            assertThat(context).hasSingleBean(GracefulDeregistration.class);
            assertThat(context).hasBean("discoveryEndpointContributor");
            assertThat(context).hasBean("discoveryMetrics");
            assertThat(context).doesNotHaveBean(InFlightRequests.class);
        });
    }

    @Test
    void weightAboveTheMaximumRefusesToStartNamingTheProperty() {
        this.contextRunner.withPropertyValues("meshkeeper.discovery.weight=101").run(context -> {
            assertThat(context).hasFailed();
            FailureAnalysis analysis = new MeshkeeperPropertyFailureAnalyzer().analyze(context.getStartupFailure());
            assertThat(analysis.getDescription())
                    .contains("meshkeeper.discovery.weight '101' is above meshkeeper.loadbalancer.max-weight (100)");
            assertThat(analysis.getAction()).contains("Set meshkeeper.discovery.weight to at most 100");
        });
        this.contextRunner.withPropertyValues("spring.cloud.zookeeper.discovery.metadata.weight=2147483647")
                .run(context -> assertThat(new MeshkeeperPropertyFailureAnalyzer().analyze(context.getStartupFailure())
                        .getDescription()).contains("spring.cloud.zookeeper.discovery.metadata.weight '2147483647'"));
        this.contextRunner.withPropertyValues("meshkeeper.discovery.weight=500",
                "meshkeeper.loadbalancer.max-weight=500").run(context -> assertThat(context).hasNotFailed());
    }

    @Test
    void watchedReactiveDiscoveryClientReplacesSpringCloudZookeepersAndBacksItsHealthIndicator() {
        this.contextRunner.withConfiguration(AutoConfigurations.of(
                org.springframework.cloud.zookeeper.discovery.reactive.ZookeeperReactiveDiscoveryClientConfiguration.class))
                .withBean(DiscoveryClientHealthIndicatorProperties.class).run(context -> {
                    assertThat(context).getBean(ReactiveDiscoveryClient.class)
                            .isInstanceOf(WatchedReactiveDiscoveryClient.class);
                    assertThat(context).hasSingleBean(ReactiveDiscoveryClient.class);
                    assertThat(context).hasBean("zookeeperReactiveDiscoveryClientHealthIndicator");
                });
    }

    @Test
    void servletApplicationsCountInFlightRequests() {
        this.webContextRunner.run(context -> assertThat(context).hasSingleBean(InFlightRequests.class));
    }

    @Test
    void zoneWeightAndVersionGoIntoTheRegistrationMetadata() {
        this.contextRunner.withPropertyValues("meshkeeper.discovery.zone=zone-w", "meshkeeper.discovery.weight=7",
                "meshkeeper.discovery.version=1.2").run(context -> assertThat(
                        context.getBean(InstanceRegistration.class).metadata()).containsEntry("zone", "zone-w")
                        .containsEntry("weight", "7").containsEntry("version", "1.2")
                        .containsEntry(InstanceRegistration.STATUS_KEY, "UP"));
    }

    @Test
    void withoutTheConnectionMonitorLeavesDiscoveryToSpringCloudZookeeper() {
        this.contextRunner.withPropertyValues("meshkeeper.zookeeper.enabled=false").run(context -> {
            assertThat(context).hasNotFailed();
            assertThat(context).doesNotHaveBean(WatchedInstances.class);
            assertThat(context).doesNotHaveBean(InstanceRegistration.class);
            assertThat(context).doesNotHaveBean(WatchedDiscoveryClient.class);
        });
    }

    @Test
    void backsOffForAUserCache() {
        this.contextRunner.withUserConfiguration(UserCacheConfiguration.class).run(context -> {
            assertThat(context).hasSingleBean(WatchedInstances.class);
            assertThat(context).hasBean("myInstances");
        });
    }

    @Test
    void backsOffForAUserDiscoveryClient() {
        this.contextRunner.withUserConfiguration(UserDiscoveryClientConfiguration.class).run(context -> {
            assertThat(context).hasSingleBean(ZookeeperDiscoveryClient.class);
            assertThat(context).getBean(ZookeeperDiscoveryClient.class).isNotInstanceOf(WatchedDiscoveryClient.class);
        });
    }

    @Test
    void discoveryEnabledFalseLeavesPlainSpringCloudZookeeper() {
        this.contextRunner.withPropertyValues("meshkeeper.discovery.enabled=false").run(context -> {
            assertThat(context).doesNotHaveBean(WatchedInstances.class);
            assertThat(context).doesNotHaveBean(InstanceRegistration.class);
            assertThat(context).getBean(DiscoveryClient.class).isNotInstanceOf(WatchedDiscoveryClient.class);
        });
    }

    @Test
    void meshkeeperEnabledFalseSwitchesDiscoveryOff() {
        this.contextRunner.withPropertyValues("meshkeeper.enabled=false").run(context -> {
            assertThat(context).doesNotHaveBean(WatchedInstances.class);
            assertThat(context).doesNotHaveBean(GracefulDeregistration.class);
        });
    }

    @Test
    void invalidWeightFailsStartUpNamingTheProperty() {
        this.contextRunner.withPropertyValues("meshkeeper.discovery.weight=0").run(context -> {
            assertThat(context).hasFailed();
            assertThat(context.getStartupFailure()).rootCause().hasMessageContaining("meshkeeper.discovery.weight")
                    .hasMessageContaining("0");
        });
    }

    @Test
    void loadBalancerClientsGetTheWatchedSupplierWithoutTheCache() {
        this.contextRunner.withConfiguration(AutoConfigurations.of(
                org.springframework.cloud.loadbalancer.config.LoadBalancerCacheAutoConfiguration.class,
                org.springframework.cloud.loadbalancer.config.LoadBalancerAutoConfiguration.class))
                // as set by the starter's environment defaults: Spring Cloud's retry-aware supplier stays out
                .withPropertyValues("spring.cloud.loadbalancer.retry.avoid-previous-instance=false").run(context -> {
                    ServiceInstanceListSupplier supplier = context.getBean(LoadBalancerClientFactory.class)
                            .getInstance("some-service", ServiceInstanceListSupplier.class);
                    assertThat(supplier).isInstanceOf(WatchedInstanceListSupplier.class);
                    assertThat(supplier.getServiceId()).isEqualTo("some-service");
                    // so that a balancer takes the list with one call instead of subscribing
                    assertThat(supplier.get()).isInstanceOf(java.util.concurrent.Callable.class);
                });
    }

    @Configuration(proxyBeanMethods = false)
    static class UserCacheConfiguration {

        @Bean(destroyMethod = "close")
        WatchedInstances myInstances(CuratorFramework curator) {
            return new WatchedInstances(curator, "/services", new JsonInstanceSerializer<>(ZookeeperInstance.class),
                    Duration.ofSeconds(1));
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class UserDiscoveryClientConfiguration {

        @Bean
        ZookeeperDiscoveryClient myDiscoveryClient(
                org.apache.curator.x.discovery.ServiceDiscovery<ZookeeperInstance> serviceDiscovery,
                org.springframework.cloud.zookeeper.discovery.ZookeeperDiscoveryProperties properties) {
            return new ZookeeperDiscoveryClient(serviceDiscovery, null, properties);
        }
    }
}
