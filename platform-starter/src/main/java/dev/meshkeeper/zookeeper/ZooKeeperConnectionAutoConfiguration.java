package dev.meshkeeper.zookeeper;

import dev.meshkeeper.ConditionalOnMeshkeeperEnabled;
import io.micrometer.core.instrument.binder.MeterBinder;
import org.apache.curator.framework.CuratorFramework;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Connection-state events and meters over Spring Cloud Zookeeper's {@link CuratorFramework}: Meshkeeper shares
 * that one connection and never opens another.
 */
@AutoConfiguration(afterName = "org.springframework.cloud.zookeeper.ZookeeperAutoConfiguration")
@ConditionalOnClass(CuratorFramework.class)
@ConditionalOnBean(CuratorFramework.class)
@ConditionalOnMeshkeeperEnabled
@ConditionalOnBooleanProperty(name = "meshkeeper.zookeeper.enabled", matchIfMissing = true)
@EnableConfigurationProperties(ZooKeeperConnectionProperties.class)
public class ZooKeeperConnectionAutoConfiguration {

    @Bean
    @ConditionalOnMissingBean
    ZooKeeperConnectionMonitor zooKeeperConnectionMonitor(CuratorFramework curator,
            ApplicationEventPublisher publisher) {
        return new ZooKeeperConnectionMonitor(curator, publisher);
    }

    @Bean
    @ConditionalOnMissingBean(name = "zooKeeperConnectionEndpointContributor")
    ZooKeeperConnectionEndpointContributor zooKeeperConnectionEndpointContributor(CuratorFramework curator,
            ZooKeeperConnectionMonitor monitor) {
        return new ZooKeeperConnectionEndpointContributor(curator, monitor);
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
