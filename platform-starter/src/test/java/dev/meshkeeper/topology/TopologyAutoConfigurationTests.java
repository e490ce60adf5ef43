package dev.meshkeeper.topology;

import static org.assertj.core.api.Assertions.assertThat;

import dev.meshkeeper.InvalidMeshkeeperPropertyException;
import dev.meshkeeper.zookeeper.ZooKeeperConnectionMonitor;
import dev.meshkeeper.zookeeper.ZooKeeperRequests;
import java.time.Clock;
import java.time.Duration;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.RetryOneTime;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

@Timeout(60)
class TopologyAutoConfigurationTests {

    private final WebApplicationContextRunner runner = new WebApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(TopologyAutoConfiguration.class))
            .withUserConfiguration(ZooKeeperConfiguration.class);

    @Test
    void onByDefaultItObservesBalancedCallsAndServedRequestsAndPublishesOncePerInterval() {
        this.runner.run((context) -> assertThat(context).hasSingleBean(TopologyPublisher.class)
                .hasSingleBean(ScheduledTopologyPublishing.class).hasSingleBean(CallObservingLifecycle.class)
                .hasSingleBean(ServedRequestsFilter.class));
    }

    @Test
    void theSwitchesTurnItOff() {
        this.runner.withPropertyValues("meshkeeper.topology.enabled=false").run((context) -> assertThat(context)
                .doesNotHaveBean(TopologyPublisher.class).doesNotHaveBean(CallObservingLifecycle.class));
        this.runner.withPropertyValues("meshkeeper.enabled=false")
                .run((context) -> assertThat(context).doesNotHaveBean(TopologyPublisher.class));
    }

    @Test
    void anIntervalBelow100msStopsStartUpNamingTheProperty() {
        this.runner.withPropertyValues("meshkeeper.topology.interval=10ms").run((context) -> assertThat(context)
                .getFailure().rootCause().isInstanceOf(InvalidMeshkeeperPropertyException.class)
                .hasMessageContaining("meshkeeper.topology.interval 'PT0.01S' is shorter than 100ms"));
    }

    @Configuration(proxyBeanMethods = false)
    static class ZooKeeperConfiguration {

        @Bean(destroyMethod = "close")
        CuratorFramework curator() {
            return CuratorFrameworkFactory.newClient("127.0.0.1:1", new RetryOneTime(10));
        }

        @Bean
        ZooKeeperConnectionMonitor monitor(CuratorFramework curator,
                org.springframework.context.ApplicationEventPublisher publisher) {
            return new ZooKeeperConnectionMonitor(curator, publisher);
        }

        @Bean
        ZooKeeperRequests requests(CuratorFramework curator, ZooKeeperConnectionMonitor monitor) {
            return new ZooKeeperRequests(curator, monitor, Duration.ofSeconds(1), Clock.systemUTC());
        }
    }
}
