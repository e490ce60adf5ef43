package dev.meshkeeper.lock;

import static org.assertj.core.api.Assertions.assertThat;

import dev.meshkeeper.leader.ClusterLeadership;
import dev.meshkeeper.leader.LeaderAutoConfiguration;
import dev.meshkeeper.zookeeper.ZooKeeperConnectionAutoConfiguration;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.RetryOneTime;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.springframework.aop.support.AopUtils;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

@Timeout(60)
class LockAndLeaderAutoConfigurationTests {

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(ZooKeeperConnectionAutoConfiguration.class,
                    LockAutoConfiguration.class, LeaderAutoConfiguration.class))
            .withUserConfiguration(Curator.class);

    @Test
    void locksLeadershipAndTheirEndpointSectionsArePresentOverTheApplicationsCurator() {
        this.runner.run(context -> {
            assertThat(context).hasSingleBean(DistributedLocks.class).hasSingleBean(ClusterLeadership.class)
                    .hasBean("locksEndpointContributor").hasBean("leadershipEndpointContributor")
                    .hasBean("distributedLockAdvisor").hasBean("leaderOnlyAdvisor");
            assertThat(context).getBean(LockProperties.class).satisfies(properties -> {
                assertThat(properties.getRoot()).isEqualTo("/meshkeeper/locks");
                assertThat(properties.isInterruptOnLoss()).isFalse();
            });
        });
    }

    @Test
    void annotatedBeansAreProxiedWithoutAspectJ() {
        this.runner.withBean(Annotated.class).run(context -> assertThat(AopUtils.isAopProxy(context.getBean(Annotated.class)))
                .isTrue());
    }

    @Test
    void backsOffForAUserBean() {
        this.runner.withUserConfiguration(UserLocks.class).run(context -> assertThat(context)
                .getBean(DistributedLocks.class).isSameAs(context.getBean(UserLocks.class).locks));
    }

    @Test
    void disabledByItsOwnPropertyOrTheGlobalSwitch() {
        this.runner.withPropertyValues("meshkeeper.lock.enabled=false").run(context -> assertThat(context)
                .doesNotHaveBean(DistributedLocks.class).hasSingleBean(ClusterLeadership.class));
        this.runner.withPropertyValues("meshkeeper.leader.enabled=false").run(context -> assertThat(context)
                .doesNotHaveBean(ClusterLeadership.class).hasSingleBean(DistributedLocks.class));
        this.runner.withPropertyValues("meshkeeper.enabled=false").run(context -> assertThat(context)
                .doesNotHaveBean(ClusterLeadership.class).doesNotHaveBean(DistributedLocks.class));
    }

    @Test
    void anIllegalConfiguredGroupFailsStartUpNamingIt() {
        this.runner.withPropertyValues("meshkeeper.leader.groups=billing/jobs")
                .run(context -> assertThat(context).hasFailed().getFailure().rootCause()
                        .hasMessageContaining("'billing/jobs'"));
    }

    @Configuration(proxyBeanMethods = false)
    static class Curator {

        @Bean(destroyMethod = "close")
        CuratorFramework curatorFramework() {
            return CuratorFrameworkFactory.newClient("127.0.0.1:1", new RetryOneTime(1));
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class UserLocks {

        final DistributedLocks locks;

        UserLocks(CuratorFramework curator) {
            this.locks = CuratorDistributedLocks.builder(curator).instanceId(() -> "user")
                    .meterRegistry(new SimpleMeterRegistry()).build();
        }

        @Bean
        DistributedLocks userDistributedLocks() {
            return this.locks;
        }
    }

    static class Annotated {

        @DistributedLock(key = "'job'")
        public void job() {
        }
    }
}
