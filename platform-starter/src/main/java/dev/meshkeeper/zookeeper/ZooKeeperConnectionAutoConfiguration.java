package dev.meshkeeper.zookeeper;

import dev.meshkeeper.ConditionalOnMeshkeeperEnabled;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.time.Clock;
import org.apache.curator.framework.CuratorFramework;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.cloud.zookeeper.ZookeeperHealthIndicator;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Connection-state events and meters over Spring Cloud Zookeeper's {@link CuratorFramework}: Meshkeeper shares
 * that one connection and never opens another.
 */
@AutoConfiguration(afterName = "org.springframework.cloud.zookeeper.ZookeeperAutoConfiguration",
        beforeName = "org.springframework.cloud.zookeeper.ZookeeperHealthAutoConfiguration")
@ConditionalOnClass(CuratorFramework.class)
@ConditionalOnBean(CuratorFramework.class)
@ConditionalOnMeshkeeperEnabled
@ConditionalOnBooleanProperty(name = "meshkeeper.zookeeper.enabled", matchIfMissing = true)
@EnableConfigurationProperties(ZooKeeperConnectionProperties.class)
public class ZooKeeperConnectionAutoConfiguration {

    @Bean
    @ConditionalOnMissingBean
    ZooKeeperConnectionMonitor zooKeeperConnectionMonitor(CuratorFramework curator,
            ApplicationEventPublisher publisher, ObjectProvider<Clock> clock) {
        return new ZooKeeperConnectionMonitor(curator, publisher, clock.getIfUnique(Clock::systemUTC));
    }

    @Bean
    @ConditionalOnMissingBean
    ZooKeeperRequests zooKeeperRequests(CuratorFramework curator, ZooKeeperConnectionMonitor monitor,
            ZooKeeperConnectionProperties properties, ObjectProvider<Clock> clock) {
        return new ZooKeeperRequests(curator, monitor, properties.getOperationTimeout(),
                clock.getIfUnique(Clock::systemUTC));
    }

    @Bean
    @ConditionalOnMissingBean(name = "zooKeeperConnectionEndpointContributor")
    ZooKeeperConnectionEndpointContributor zooKeeperConnectionEndpointContributor(CuratorFramework curator,
            ZooKeeperConnectionMonitor monitor) {
        return new ZooKeeperConnectionEndpointContributor(curator, monitor);
    }

    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass({ HealthIndicator.class, ZookeeperHealthIndicator.class })
    @ConditionalOnEnabledHealthIndicator("zookeeper")
    static class OutageTolerantHealthConfiguration {

        /** Takes the place (and the name) of Spring Cloud Zookeeper's own indicator, which backs off. */
        @Bean
        @ConditionalOnMissingBean(ZookeeperHealthIndicator.class)
        ZookeeperHealthIndicator zookeeperHealthIndicator(CuratorFramework curator, ZooKeeperConnectionMonitor monitor,
                ZooKeeperConnectionProperties properties, ObjectProvider<Clock> clock) {
            return new ZooKeeperOutageHealthIndicator(curator, monitor, properties.getOutageTolerance(),
                    clock.getIfUnique(Clock::systemUTC));
        }
    }

    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(MeterBinder.class)
    static class ConnectionMetricsConfiguration {

        @Bean
        @ConditionalOnMissingBean(name = "zooKeeperConnectionMetrics")
        MeterBinder zooKeeperConnectionMetrics(ZooKeeperConnectionMonitor monitor) {
            return new ZooKeeperConnectionMetrics(monitor);
        }
    }
}
