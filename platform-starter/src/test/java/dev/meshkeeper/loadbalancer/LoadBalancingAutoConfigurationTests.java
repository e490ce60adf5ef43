package dev.meshkeeper.loadbalancer;

import static org.assertj.core.api.Assertions.assertThat;

import dev.meshkeeper.MeshkeeperPropertyFailureAnalyzer;
import feign.RequestInterceptor;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.assertj.core.api.InstanceOfAssertFactories;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.context.runner.ReactiveWebApplicationContextRunner;
import org.springframework.cloud.client.ServiceInstance;
import org.springframework.cloud.client.loadbalancer.DefaultRequest;
import org.springframework.cloud.client.loadbalancer.Response;
import org.springframework.cloud.client.loadbalancer.reactive.ReactiveLoadBalancer;
import org.springframework.cloud.loadbalancer.annotation.LoadBalancerClient;
import org.springframework.cloud.loadbalancer.annotation.LoadBalancerClients;
import org.springframework.cloud.loadbalancer.config.LoadBalancerAutoConfiguration;
import org.springframework.cloud.loadbalancer.core.RandomLoadBalancer;
import org.springframework.cloud.loadbalancer.core.ReactorLoadBalancer;
import org.springframework.cloud.loadbalancer.core.RoundRobinLoadBalancer;
import org.springframework.cloud.loadbalancer.core.ServiceInstanceListSupplier;
import org.springframework.cloud.loadbalancer.support.LoadBalancerClientFactory;
import org.springframework.cloud.loadbalancer.support.ServiceInstanceListSuppliers;
import org.springframework.cloud.loadbalancer.support.SimpleObjectProvider;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.web.reactive.function.client.WebClient;
import reactor.core.publisher.Mono;

@Timeout(60)
class LoadBalancingAutoConfigurationTests {

    private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(LoadBalancerAutoConfiguration.class,
                    LoadBalancingAutoConfiguration.class))
            .withUserConfiguration(StaticInstancesConfiguration.class, MetricsConfiguration.class);

    @Test
    void everyServiceGetsAMeshkeeperRoundRobinBalancerByDefault() {
        this.contextRunner.run((context) -> {
            assertThat(context).hasSingleBean(OutlierEjection.class);
            assertThat(context).hasSingleBean(ObservingLoadBalancerLifecycle.class);
            assertThat(context).hasBean("loadBalancingEndpointContributor");
            assertThat(balancer(context, "inventory-service")).isInstanceOfSatisfying(MeshkeeperLoadBalancer.class,
                    (balancer) -> assertThat(balancer.strategy()).isEqualTo(BalancingStrategy.ROUND_ROBIN));
        });
    }

    @Test
    void defaultStrategyAppliesToEveryServiceWithoutItsOwn() {
        this.contextRunner.withPropertyValues("meshkeeper.loadbalancer.strategy=least-loaded",
                "meshkeeper.loadbalancer.clients.inventory-service.strategy=weighted").run((context) -> {
                    assertThat(strategyOf(context, "inventory-service")).isEqualTo(BalancingStrategy.WEIGHTED);
                    assertThat(strategyOf(context, "order-service")).isEqualTo(BalancingStrategy.LEAST_LOADED);
                });
    }

    @Test
    void strategyIsChosenPerCalledService() {
        this.contextRunner.withPropertyValues("meshkeeper.loadbalancer.clients.inventory-service.strategy=weighted",
                "meshkeeper.loadbalancer.clients.pricing-service.strategy=least-loaded").run((context) -> {
                    assertThat(strategyOf(context, "inventory-service")).isEqualTo(BalancingStrategy.WEIGHTED);
                    assertThat(strategyOf(context, "pricing-service")).isEqualTo(BalancingStrategy.LEAST_LOADED);
                    assertThat(strategyOf(context, "order-service")).isEqualTo(BalancingStrategy.ROUND_ROBIN);
                });
    }

    @Test
    void balancerChoosesFromTheContextsSupplierAndCountsChoices() {
        this.contextRunner.withPropertyValues("meshkeeper.loadbalancer.clients.inventory-service.strategy=weighted")
                .run((context) -> {
                    ReactorLoadBalancer<ServiceInstance> balancer = balancer(context, "inventory-service");
                    for (int i = 0; i < 4; i++) {
                        Response<ServiceInstance> response = Mono.from(balancer.choose(new DefaultRequest<>()))
                                .block();
                        assertThat(response.getServer().getServiceId()).isEqualTo("inventory-service");
                    }
                    MeterRegistry registry = context.getBean(MeterRegistry.class);
                    assertThat(registry.get("meshkeeper.loadbalancer.choices").tag("service", "inventory-service")
                            .tag("strategy", "weighted").counter().count()).isEqualTo(4.0);
                });
    }

    @Test
    void unknownStrategyFailsStartUpNamingThePropertyAndTheAllowedValues() {
        this.contextRunner.withPropertyValues("meshkeeper.loadbalancer.clients.inventory-service.strategy=fastest")
                .run((context) -> {
                    assertThat(context).hasFailed();
                    FailureAnalysis analysis = new MeshkeeperPropertyFailureAnalyzer()
                            .analyze(context.getStartupFailure());
                    assertThat(analysis).isNotNull();
                    assertThat(analysis.getDescription()).contains(
                            "meshkeeper.loadbalancer.clients.inventory-service.strategy 'fastest' is unknown; "
                                    + "use one of round-robin, weighted, least-loaded");
                    assertThat(analysis.getAction()).contains(
                            "Set meshkeeper.loadbalancer.clients.inventory-service.strategy to one of");
                });
    }

    @Test
    void unknownDefaultStrategyFailsStartUp() {
        this.contextRunner.withPropertyValues("meshkeeper.loadbalancer.strategy=random").run((context) -> {
            assertThat(context).hasFailed();
            assertThat(new MeshkeeperPropertyFailureAnalyzer().analyze(context.getStartupFailure()).getDescription())
                    .contains("meshkeeper.loadbalancer.strategy 'random' is unknown");
        });
    }

    @Test
    void zeroLatencyDecayTimeFailsStartUpNamingTheProperty() {
        assertStartUpFails("meshkeeper.loadbalancer.least-loaded.latency-decay-time=0s",
                "meshkeeper.loadbalancer.least-loaded.latency-decay-time 'PT0S' is not a positive duration",
                "Set meshkeeper.loadbalancer.least-loaded.latency-decay-time to a duration");
    }

    @Test
    void negativeProbeIntervalFailsStartUpNamingTheProperty() {
        assertStartUpFails("meshkeeper.loadbalancer.least-loaded.probe-interval=-1s",
                "meshkeeper.loadbalancer.least-loaded.probe-interval 'PT-1S' must be 0 or more", "(0 for no probes)");
    }

    @Test
    void negativeLatencyTrustTimeFailsStartUpNamingTheProperty() {
        assertStartUpFails("meshkeeper.loadbalancer.least-loaded.latency-trust-time=-1s",
                "meshkeeper.loadbalancer.least-loaded.latency-trust-time 'PT-1S' must be 0 or more",
                "Set meshkeeper.loadbalancer.least-loaded.latency-trust-time to a duration");
    }

    /** Start-up with {@code property} fails, and the failure analysis says {@code description} and {@code action}. */
    private void assertStartUpFails(String property, String description, String action) {
        this.contextRunner.withPropertyValues(property).run((context) -> {
            assertThat(context).hasFailed();
            FailureAnalysis analysis = new MeshkeeperPropertyFailureAnalyzer().analyze(context.getStartupFailure());
            assertThat(analysis.getDescription()).contains(description);
            assertThat(analysis.getAction()).contains(action);
        });
    }

    @Test
    void maxWeightBelowOneFailsStartUp() {
        this.contextRunner.withPropertyValues("meshkeeper.loadbalancer.max-weight=0").run((context) -> {
            assertThat(context).hasFailed();
            assertThat(new MeshkeeperPropertyFailureAnalyzer().analyze(context.getStartupFailure()).getDescription())
                    .contains("meshkeeper.loadbalancer.max-weight '0' is below 1");
        });
    }

    @Test
    void invalidOutlierEjectionSettingsFailStartUp() {
        this.contextRunner.withPropertyValues("meshkeeper.loadbalancer.outlier-ejection.max-ejected-percent=150")
                .run((context) -> {
                    assertThat(context).hasFailed();
                    assertThat(new MeshkeeperPropertyFailureAnalyzer().analyze(context.getStartupFailure())
                            .getDescription()).contains(
                                    "meshkeeper.loadbalancer.outlier-ejection.max-ejected-percent '150' must be "
                                            + "between 0 and 100");
                });
        this.contextRunner.withPropertyValues("meshkeeper.loadbalancer.outlier-ejection.base-ejection-time=1m",
                "meshkeeper.loadbalancer.outlier-ejection.max-ejection-time=10s").run((context) -> {
                    assertThat(context).hasFailed();
                    assertThat(new MeshkeeperPropertyFailureAnalyzer().analyze(context.getStartupFailure())
                            .getDescription()).contains("max-ejection-time 'PT10S' must not be shorter");
                });
    }

    @Test
    void pinnedVersionReachesEveryClientLibraryOnTheClassPath() {
        this.contextRunner.run((context) -> {
            assertThat(context).hasSingleBean(PinnedVersionPropagation.class);
            assertThat(context).hasSingleBean(PinnedVersionExchangeFilter.class);
            assertThat(context).hasSingleBean(PinnedVersionRequestInterceptor.class);
            assertThat(context).doesNotHaveBean(PinnedVersionWebFilter.class);
        });
    }

    @Test
    void aMissingClientLibraryLeavesItsPinnedVersionPropagationOut() {
        this.contextRunner
                .withClassLoader(new FilteredClassLoader(WebClient.class, RequestInterceptor.class))
                .run((context) -> {
                    assertThat(context).hasNotFailed();
                    assertThat(context).hasSingleBean(PinnedVersionPropagation.class);
                    assertThat(context).doesNotHaveBean(PinnedVersionExchangeFilter.class);
                    assertThat(context).doesNotHaveBean(PinnedVersionRequestInterceptor.class);
                });
    }

    @Test
    void aReactiveServerHoldsThePinnedVersionOfItsRequests() {
        new ReactiveWebApplicationContextRunner().withConfiguration(AutoConfigurations.of(
                LoadBalancerAutoConfiguration.class, LoadBalancingAutoConfiguration.class))
                .withUserConfiguration(StaticInstancesConfiguration.class, MetricsConfiguration.class)
                .run((context) -> {
                    assertThat(context).hasSingleBean(PinnedVersionWebFilter.class);
                    assertThat(context).doesNotHaveBean(PinnedVersionFilter.class);
                });
    }

    @Test
    void featureSwitchLeavesSpringCloudLoadBalancersDefault() {
        this.contextRunner.withPropertyValues("meshkeeper.loadbalancer.enabled=false").run((context) -> {
            assertThat(context).doesNotHaveBean(OutlierEjection.class);
            assertThat(balancer(context, "inventory-service")).isInstanceOf(RoundRobinLoadBalancer.class);
        });
    }

    @Test
    void meshkeeperEnabledFalseSwitchesItOff() {
        this.contextRunner.withPropertyValues("meshkeeper.enabled=false").run((context) -> {
            assertThat(context).doesNotHaveBean(ServiceBalancers.class);
            assertThat(balancer(context, "inventory-service")).isInstanceOf(RoundRobinLoadBalancer.class);
        });
    }

    @Test
    void absentWhenSpringCloudLoadBalancerIsOff() {
        this.contextRunner.withPropertyValues("spring.cloud.loadbalancer.enabled=false")
                .run((context) -> assertThat(context).doesNotHaveBean(ServiceBalancers.class));
    }

    @Test
    void backsOffForABalancerTheUserDefinesForAService() {
        this.contextRunner.withUserConfiguration(UserBalancerForInventory.class).run((context) -> {
            assertThat(balancer(context, "inventory-service")).isInstanceOf(RandomLoadBalancer.class);
            assertThat(balancer(context, "order-service")).isInstanceOf(MeshkeeperLoadBalancer.class);
        });
    }

    @Test
    void backsOffForABalancerTheUserDefinesForEveryService() {
        this.contextRunner.withUserConfiguration(UserBalancerForAll.class).run((context) -> {
            assertThat(balancer(context, "inventory-service")).isSameAs(context.getBean("userBalancer"));
            assertThat(balancer(context, "order-service")).isSameAs(context.getBean("userBalancer"));
        });
    }

    @Test
    void backsOffForTheUsersOutlierEjection() {
        this.contextRunner.withUserConfiguration(UserOutlierEjectionConfiguration.class).run((context) -> {
            assertThat(context).hasSingleBean(OutlierEjection.class);
            assertThat(context).hasBean("myOutlierEjection");
        });
    }

    @Test
    void zonePreferenceIsOnWhenAZoneIsConfigured() {
        this.contextRunner.withPropertyValues("spring.cloud.loadbalancer.zone=zone-b").run((context) -> {
            ReactorLoadBalancer<ServiceInstance> balancer = balancer(context, "inventory-service");
            for (int i = 0; i < 6; i++) {
                ServiceInstance chosen = Mono.from(balancer.choose(new DefaultRequest<>())).block().getServer();
                assertThat(chosen.getMetadata()).containsEntry("zone", "zone-b");
            }
        });
    }

    @Test
    void ejectedInstancesOfThePreferredZoneFallBackToOtherZones() {
        this.contextRunner.withPropertyValues("spring.cloud.loadbalancer.zone=zone-b").run((context) -> {
            ReactorLoadBalancer<ServiceInstance> balancer = balancer(context, "inventory-service");
            assertThat(Mono.from(balancer.choose(new DefaultRequest<>())).block().getServer().getInstanceId())
                    .isEqualTo("inventory-service-2");
            OutlierEjection ejection = context.getBean(OutlierEjection.class);
            ServiceInstance zoneB = TestInstances.instance("inventory-service", 2, "zone", "zone-b");
            for (int i = 0; i < 5; i++) {
                ejection.reportFailure(zoneB);
            }
            assertThat(ejection.isEjected(zoneB)).isTrue();
            for (int i = 0; i < 4; i++) {
                assertThat(Mono.from(balancer.choose(new DefaultRequest<>())).block().getServer().getInstanceId())
                        .isEqualTo("inventory-service-1");
            }
        });
    }

    @Test
    void ejectedInstanceIsNotChosenWithoutZonePreference() {
        this.contextRunner.run((context) -> {
            ReactorLoadBalancer<ServiceInstance> balancer = balancer(context, "inventory-service");
            Mono.from(balancer.choose(new DefaultRequest<>())).block();
            OutlierEjection ejection = context.getBean(OutlierEjection.class);
            ServiceInstance first = TestInstances.instance("inventory-service", 1);
            for (int i = 0; i < 5; i++) {
                ejection.reportFailure(first);
            }
            for (int i = 0; i < 4; i++) {
                assertThat(Mono.from(balancer.choose(new DefaultRequest<>())).block().getServer().getInstanceId())
                        .isEqualTo("inventory-service-2");
            }
            assertThat(context.getBean(MeterRegistry.class).get("meshkeeper.loadbalancer.ejected")
                    .tag("service", "inventory-service").gauge().value()).isEqualTo(1.0);
        });
    }

    @Test
    void zonePreferenceCanBeSwitchedOff() {
        this.contextRunner.withPropertyValues("spring.cloud.loadbalancer.zone=zone-b",
                "meshkeeper.loadbalancer.zone-preference=false").run((context) -> {
                    ReactorLoadBalancer<ServiceInstance> balancer = balancer(context, "inventory-service");
                    Set<String> zones = new HashSet<>();
                    for (int i = 0; i < 6; i++) {
                        zones.add(Mono.from(balancer.choose(new DefaultRequest<>())).block().getServer()
                                .getMetadata().get("zone"));
                    }
                    assertThat(zones).containsExactlyInAnyOrder("zone-a", "zone-b");
                });
    }

    @Test
    void endpointSectionShowsStrategyPerService() {
        this.contextRunner.withPropertyValues("meshkeeper.loadbalancer.clients.inventory-service.strategy=least-loaded")
                .run((context) -> {
                    balancer(context, "inventory-service");
                    LoadBalancingEndpointContributor contributor = context
                            .getBean(LoadBalancingEndpointContributor.class);
                    assertThat(contributor.name()).isEqualTo("loadbalancer");
                    @SuppressWarnings("unchecked")
                    Map<String, Object> section = (Map<String, Object>) contributor.describe();
                    assertThat(section).extractingByKey("services").asInstanceOf(
                            InstanceOfAssertFactories.MAP)
                            .extractingByKey("inventory-service")
                            .asInstanceOf(InstanceOfAssertFactories.MAP)
                            .containsEntry("strategy", "least-loaded")
                            .containsKeys("ejected", "load");
                });
    }

    @SuppressWarnings("unchecked")
    private static ReactorLoadBalancer<ServiceInstance> balancer(ConfigurableApplicationContext context,
            String serviceId) {
        ReactiveLoadBalancer<ServiceInstance> balancer = context.getBean(LoadBalancerClientFactory.class)
                .getInstance(serviceId);
        return (ReactorLoadBalancer<ServiceInstance>) balancer;
    }

    private static BalancingStrategy strategyOf(ConfigurableApplicationContext context, String serviceId) {
        ReactorLoadBalancer<ServiceInstance> balancer = balancer(context, serviceId);
        assertThat(balancer).isInstanceOf(MeshkeeperLoadBalancer.class);
        return ((MeshkeeperLoadBalancer) balancer).strategy();
    }

    @Configuration(proxyBeanMethods = false)
    @LoadBalancerClients(defaultConfiguration = StaticInstances.class)
    static class StaticInstancesConfiguration {

    }

    /** Two instances per service, one in zone-a and one in zone-b. */
    static class StaticInstances {

        @Bean
        ServiceInstanceListSupplier staticInstances(Environment environment) {
            String serviceId = LoadBalancerClientFactory.getName(environment);
            return ServiceInstanceListSuppliers.from(serviceId,
                    TestInstances.instance(serviceId, 1, "zone", "zone-a", "weight", "3"),
                    TestInstances.instance(serviceId, 2, "zone", "zone-b"));
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class MetricsConfiguration {

        @Bean
        MeterRegistry meterRegistry() {
            return new SimpleMeterRegistry();
        }
    }

    @Configuration(proxyBeanMethods = false)
    @LoadBalancerClient(name = "inventory-service", configuration = RandomBalancer.class)
    static class UserBalancerForInventory {

    }

    static class RandomBalancer {

        @Bean
        ReactorLoadBalancer<ServiceInstance> randomLoadBalancer(Environment environment,
                LoadBalancerClientFactory factory) {
            String name = LoadBalancerClientFactory.getName(environment);
            return new RandomLoadBalancer(factory.getLazyProvider(name, ServiceInstanceListSupplier.class), name);
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class UserBalancerForAll {

        @Bean
        ReactorLoadBalancer<ServiceInstance> userBalancer() {
            return new RoundRobinLoadBalancer(new SimpleObjectProvider<>(
                    ServiceInstanceListSuppliers.from("any", TestInstances.instance("any", 1))), "any");
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class UserOutlierEjectionConfiguration {

        @Bean
        OutlierEjection myOutlierEjection() {
            return new OutlierEjection(new LoadBalancingProperties.OutlierEjection(), Clock.systemUTC(),
                    new SimpleMeterRegistry());
        }
    }

}
