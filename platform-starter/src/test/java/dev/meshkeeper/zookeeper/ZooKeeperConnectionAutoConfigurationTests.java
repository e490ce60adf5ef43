package dev.meshkeeper.zookeeper;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.RetryOneTime;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

class ZooKeeperConnectionAutoConfigurationTests {

    private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(ZooKeeperConnectionAutoConfiguration.class));

    @Test
    void monitorsTheApplicationsCuratorClient() {
        this.contextRunner.withUserConfiguration(CuratorConfiguration.class).run(context -> {
            assertThat(context).hasSingleBean(ZooKeeperConnectionMonitor.class);
            assertThat(context).hasSingleBean(CuratorFramework.class);
            assertThat(context).hasBean("zooKeeperConnectionMetrics");
        });
    }

    @Test
    void metersDescribeTheConnection() {
        this.contextRunner.withUserConfiguration(CuratorConfiguration.class).run(context -> {
            MeterRegistry registry = new SimpleMeterRegistry();
            context.getBean("zooKeeperConnectionMetrics", MeterBinder.class).bindTo(registry);
            ZooKeeperConnectionMonitor monitor = context.getBean(ZooKeeperConnectionMonitor.class);
            CuratorFramework curator = context.getBean(CuratorFramework.class);
            monitor.stateChanged(curator, org.apache.curator.framework.state.ConnectionState.SUSPENDED);
            assertThat(registry.get("meshkeeper.zookeeper.connection").tag("state", "suspended").gauge().value())
                    .isEqualTo(1.0);
            assertThat(registry.get("meshkeeper.zookeeper.connection").tag("state", "connected").gauge().value())
                    .isEqualTo(0.0);
            assertThat(registry.get("meshkeeper.zookeeper.connection.suspensions").functionCounter().count())
                    .isEqualTo(1.0);
        });
    }

    @Test
    void backsOffWhenTheUserDefinesAMonitor() {
        this.contextRunner.withUserConfiguration(CuratorConfiguration.class, UserMonitorConfiguration.class)
                .run(context -> {
                    assertThat(context).hasSingleBean(ZooKeeperConnectionMonitor.class);
                    assertThat(context).hasBean("myMonitor");
                });
    }

    @Test
    void meshkeeperEnabledFalseSwitchesItOff() {
        this.contextRunner.withUserConfiguration(CuratorConfiguration.class)
                .withPropertyValues("meshkeeper.enabled=false")
                .run(context -> assertThat(context).doesNotHaveBean(ZooKeeperConnectionMonitor.class));
    }

    @Test
    void featureSwitchTurnsOnlyThisFeatureOff() {
        this.contextRunner.withUserConfiguration(CuratorConfiguration.class)
                .withPropertyValues("meshkeeper.zookeeper.enabled=false")
                .run(context -> assertThat(context).doesNotHaveBean(ZooKeeperConnectionMonitor.class));
    }

    @Test
    void absentWithoutCuratorOnTheClassPath() {
        this.contextRunner.withClassLoader(new FilteredClassLoader(CuratorFramework.class))
                .run(context -> assertThat(context).doesNotHaveBean(ZooKeeperConnectionMonitor.class));
    }

    @Test
    void absentWithoutACuratorClient() {
        this.contextRunner.run(context -> assertThat(context).doesNotHaveBean(ZooKeeperConnectionMonitor.class));
    }

    @Configuration(proxyBeanMethods = false)
    static class CuratorConfiguration {

        @Bean(destroyMethod = "close")
        CuratorFramework curatorFramework() {
            // Never started: the wiring needs the bean, not a connection.
            return CuratorFrameworkFactory.newClient("127.0.0.1:1", new RetryOneTime(10));
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class UserMonitorConfiguration {

        @Bean
        ZooKeeperConnectionMonitor myMonitor(CuratorFramework curator, ApplicationEventPublisher publisher) {
            return new ZooKeeperConnectionMonitor(curator, publisher);
        }
    }
}
