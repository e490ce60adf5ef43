package dev.meshkeeper.placement;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

import dev.meshkeeper.MeshkeeperPropertyFailureAnalyzer;
import dev.meshkeeper.zookeeper.ZooKeeperConnectionAutoConfiguration;
import java.util.List;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.RetryOneTime;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

@Timeout(60)
class PlacementAutoConfigurationTests {

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(ZooKeeperConnectionAutoConfiguration.class,
                    PlacementAutoConfiguration.class))
            .withUserConfiguration(Curator.class).withPropertyValues("spring.application.name=orders");

    @Test
    void declaredGroupsAndTheEndpointSectionArePresentOverTheApplicationsCurator() {
        this.runner.withPropertyValues("meshkeeper.placement.groups.jobs.partitions=4").run(context -> {
            assertThat(context).hasSingleBean(WorkPlacement.class).hasBean("placementEndpointContributor");
            WorkPlacement placement = context.getBean(WorkPlacement.class);
            assertThat(placement.groups()).containsExactly("jobs");
            assertThat(placement.member("jobs").items()).containsExactly("0", "1", "2", "3");
            assertThat(placement.member("jobs").weight()).isEqualTo(1);
            assertThat(placement.assignment("jobs").items()).isEmpty();
        });
    }

    @Test
    void theWeightFollowsTheGroupElseTheDiscoveryWeight() {
        this.runner.withPropertyValues("meshkeeper.placement.groups.jobs.partitions=4",
                "meshkeeper.placement.groups.jobs.weight=3", "meshkeeper.placement.groups.other.partitions=2",
                "meshkeeper.discovery.weight=2").run(context -> {
                    WorkPlacement placement = context.getBean(WorkPlacement.class);
                    assertThat(placement.member("jobs").weight()).isEqualTo(3);
                    assertThat(placement.member("other").weight()).isEqualTo(2);
                });
    }

    @Test
    void disabledByItsOwnPropertyOrTheGlobalSwitch() {
        this.runner.withPropertyValues("meshkeeper.placement.enabled=false")
                .run(context -> assertThat(context).doesNotHaveBean(WorkPlacement.class));
        this.runner.withPropertyValues("meshkeeper.enabled=false")
                .run(context -> assertThat(context).doesNotHaveBean(WorkPlacement.class));
    }

    @Test
    void aGroupWithoutPartitionsFailsStartUpNamingTheKey() {
        this.runner.withPropertyValues("meshkeeper.placement.groups.jobs.partitions=0").run(context -> {
            assertThat(context).hasFailed();
            FailureAnalysis analysis = new MeshkeeperPropertyFailureAnalyzer().analyze(context.getStartupFailure());
            assertThat(analysis.getDescription()).contains("meshkeeper.placement.groups.jobs.partitions")
                    .contains("'0'");
            assertThat(analysis.getAction()).contains("meshkeeper.placement.groups.jobs.partitions=12");
        });
        this.runner.withPropertyValues("meshkeeper.placement.groups.jobs.weight=2").run(context -> assertThat(context)
                .hasFailed().getFailure().rootCause().hasMessageContaining("meshkeeper.placement.groups.jobs.partitions"));
    }

    @Test
    void aWeightBelowOneFailsStartUpNamingTheKey() {
        this.runner.withPropertyValues("meshkeeper.placement.groups.jobs.partitions=3",
                "meshkeeper.placement.groups.jobs.weight=0").run(context -> {
                    assertThat(context).hasFailed();
                    assertThat(new MeshkeeperPropertyFailureAnalyzer().analyze(context.getStartupFailure()).getDescription())
                            .contains("meshkeeper.placement.groups.jobs.weight");
                });
    }

    @Test
    void anUnknownGroupOrADuplicateDeclarationIsRefusedNamingIt() {
        this.runner.withPropertyValues("meshkeeper.placement.groups.jobs.partitions=3").run(context -> {
            WorkPlacement placement = context.getBean(WorkPlacement.class);
            assertThatIllegalArgumentException().isThrownBy(() -> placement.assignment("jbos"))
                    .withMessageContaining("'jbos'").withMessageContaining("[jobs]")
                    .withMessageContaining("meshkeeper.placement.groups.jbos.partitions");
            assertThatIllegalStateException().isThrownBy(() -> placement.declare("jobs", List.of("a"), 1))
                    .withMessageContaining("'jobs' is declared twice");
            assertThatIllegalArgumentException().isThrownBy(() -> placement.declare("empty", List.of(), 1))
                    .withMessageContaining("'empty' has no items");
            assertThatIllegalArgumentException().isThrownBy(() -> placement.declare("a/b", List.of("1"), 1))
                    .withMessageContaining("'a/b'");
        });
    }

    @Configuration(proxyBeanMethods = false)
    static class Curator {

        @Bean(initMethod = "start", destroyMethod = "close")
        CuratorFramework curatorFramework() {
            return CuratorFrameworkFactory.builder().connectString("127.0.0.1:1").retryPolicy(new RetryOneTime(1))
                    .connectionTimeoutMs(200).sessionTimeoutMs(1000).build();
        }
    }
}
