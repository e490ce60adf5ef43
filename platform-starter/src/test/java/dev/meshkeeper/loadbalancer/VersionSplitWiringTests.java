package dev.meshkeeper.loadbalancer;

import static org.assertj.core.api.Assertions.assertThat;

import dev.meshkeeper.MeshkeeperPropertyFailureAnalyzer;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.boot.test.util.TestPropertyValues;
import org.springframework.cloud.client.DefaultServiceInstance;
import org.springframework.cloud.client.ServiceInstance;
import org.springframework.cloud.loadbalancer.config.LoadBalancerAutoConfiguration;
import org.springframework.cloud.loadbalancer.core.ServiceInstanceListSupplier;
import org.springframework.cloud.loadbalancer.support.ServiceInstanceListSuppliers;
import reactor.core.publisher.Flux;

@Timeout(60)
class VersionSplitWiringTests {

    private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(LoadBalancerAutoConfiguration.class,
                    LoadBalancingAutoConfiguration.class));

    @Test
    void splitsArePresentWithTheBalancersAndPinPropagationIsWired() {
        this.contextRunner.withPropertyValues("meshkeeper.loadbalancer.clients.inventory-service.version-split=v1=90,v2=10")
                .run((context) -> {
                    assertThat(context).hasSingleBean(VersionSplits.class);
                    assertThat(context).hasSingleBean(PinnedVersionPropagation.class);
                    assertThat(context).doesNotHaveBean(PinnedVersionFilter.class);
                    assertThat(context.getBean(VersionSplits.class).splitFor("inventory-service").weights())
                            .containsExactlyInAnyOrderEntriesOf(Map.of("v1", 90, "v2", 10));
                    assertThat(context.getBean(LoadBalancingEndpointContributor.class).describe()).asString()
                            .contains("inventory-service").contains("versionSplit");
                });
    }

    @Test
    void servletApplicationsHoldTheIncomingPin() {
        new WebApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(LoadBalancerAutoConfiguration.class,
                        LoadBalancingAutoConfiguration.class))
                .run((context) -> assertThat(context).hasSingleBean(PinnedVersionFilter.class));
    }

    @Test
    void unparsableSplitFailsStartUpNamingTheProperty() {
        this.contextRunner.withPropertyValues("meshkeeper.loadbalancer.clients.inventory-service.version-split=v1:90")
                .run((context) -> {
                    assertThat(context).hasFailed();
                    FailureAnalysis analysis = new MeshkeeperPropertyFailureAnalyzer().analyze(context.getStartupFailure());
                    assertThat(analysis.getDescription()).contains(
                            "meshkeeper.loadbalancer.clients.inventory-service.version-split 'v1:90' does not parse");
                    assertThat(analysis.getAction()).contains("v1=90,v2=10");
                });
    }

    @Test
    void unparsableLiveSplitKeepsTheLastGoodOneAndAGoodOneReplacesIt() {
        this.contextRunner.withPropertyValues("meshkeeper.loadbalancer.clients.inventory-service.version-split=v1=90,v2=10")
                .run((context) -> {
                    VersionSplits splits = context.getBean(VersionSplits.class);
                    TestPropertyValues.of("meshkeeper.loadbalancer.clients.inventory-service.version-split=v1=x")
                            .applyTo(context);
                    splits.environmentChanged(Set.of("meshkeeper.loadbalancer.clients.inventory-service.version-split"));
                    assertThat(splits.splitFor("inventory-service").weights()).containsEntry("v2", 10);
                    TestPropertyValues.of("meshkeeper.loadbalancer.clients.inventory-service.version-split=v2=100")
                            .applyTo(context);
                    splits.environmentChanged(Set.of("meshkeeper.loadbalancer.clients.inventory-service.version-split"));
                    assertThat(splits.splitFor("inventory-service").weights()).containsOnlyKeys("v2");
                });
    }

    @Test
    void splitComposesAfterOutlierFilterAndPinWinsOverTheSplit() {
        this.contextRunner.withPropertyValues("meshkeeper.loadbalancer.clients.inventory-service.version-split=v1=100")
                .run((context) -> {
                    List<ServiceInstance> instances = List.of(instance("a", "v1"), instance("b", "v2"));
                    ServiceInstanceListSupplier base = new ServiceInstanceListSupplier() {
                        @Override
                        public String getServiceId() {
                            return "inventory-service";
                        }

                        @Override
                        public Flux<List<ServiceInstance>> get() {
                            return Flux.just(instances);
                        }
                    };
                    VersionSplittingServiceInstanceListSupplier split = new VersionSplittingServiceInstanceListSupplier(
                            base, context.getBean(VersionSplits.class), (list) -> list);
                    assertThat(split.select(instances, null)).extracting(ServiceInstance::getInstanceId)
                            .containsExactly("a");
                    assertThat(split.select(instances, "v2")).extracting(ServiceInstance::getInstanceId)
                            .containsExactly("b");
                    assertThat(split.select(instances, "v9")).isEmpty();
                });
    }

    @Test
    void theSameInstancesAreNarrowedOnceAndChangedInstancesAgain() {
        this.contextRunner.withPropertyValues("meshkeeper.loadbalancer.clients.inventory-service.version-split=v1=1,v2=1")
                .run((context) -> {
                    List<ServiceInstance> instances = List.of(instance("a", "v1"), instance("b", "v2"),
                            instance("c", "v2"));
                    VersionSplittingServiceInstanceListSupplier split = new VersionSplittingServiceInstanceListSupplier(
                            ServiceInstanceListSuppliers.from("inventory-service"),
                            context.getBean(VersionSplits.class), (list) -> list);
                    List<ServiceInstance> pinned = split.select(instances, "v2");
                    assertThat(split.select(List.copyOf(instances), "v2")).isSameAs(pinned)
                            .extracting(ServiceInstance::getInstanceId).containsExactly("b", "c");
                    List<ServiceInstance> changed = List.of(instances.get(0), instance("b", "v1"), instances.get(2));
                    assertThat(split.select(changed, "v2")).extracting(ServiceInstance::getInstanceId)
                            .containsExactly("c");
                    assertThat(split.select(changed, "v1")).extracting(ServiceInstance::getInstanceId)
                            .containsExactly("a", "b");
                    Set<List<String>> drawn = new HashSet<>();
                    for (int i = 0; i < 200; i++) {
                        drawn.add(split.select(List.copyOf(instances), null).stream()
                                .map(ServiceInstance::getInstanceId).toList());
                    }
                    assertThat(drawn).containsExactlyInAnyOrder(List.of("a"), List.of("b", "c"));
                    drawn.clear();
                    for (int i = 0; i < 200; i++) {
                        drawn.add(split.select(List.copyOf(changed), null).stream()
                                .map(ServiceInstance::getInstanceId).toList());
                    }
                    assertThat(drawn).containsExactlyInAnyOrder(List.of("a", "b"), List.of("c"));
                });
    }

    private static ServiceInstance instance(String id, String version) {
        return new DefaultServiceInstance(id, "inventory-service", "127.0.0.1", 8080, false,
                Map.of("version", version));
    }
}
