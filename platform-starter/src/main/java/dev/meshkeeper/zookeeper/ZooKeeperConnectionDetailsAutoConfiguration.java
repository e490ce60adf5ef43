package dev.meshkeeper.zookeeper;

import dev.meshkeeper.ConditionalOnMeshkeeperEnabled;
import org.apache.curator.ensemble.EnsembleProvider;
import org.apache.curator.ensemble.fixed.FixedEnsembleProvider;
import org.apache.curator.framework.CuratorFramework;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.cloud.zookeeper.CuratorFrameworkCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.core.env.Environment;

/**
 * Makes Spring Cloud Zookeeper's Curator client honour {@link ZooKeeperConnectionDetails}: its
 * {@code curatorFramework} bean takes an {@link EnsembleProvider} bean over the connect-string property. Applies
 * every {@link ZooKeeperClientCustomizer} to that client, as {@link ZooKeeperClientSettings} does for the client that
 * loads configuration at start-up.
 */
@AutoConfiguration(beforeName = "org.springframework.cloud.zookeeper.ZookeeperAutoConfiguration")
@ConditionalOnClass(CuratorFramework.class)
@ConditionalOnMeshkeeperEnabled
public class ZooKeeperConnectionDetailsAutoConfiguration {

    @Bean
    @ConditionalOnBean(ZooKeeperConnectionDetails.class)
    @ConditionalOnMissingBean(EnsembleProvider.class)
    EnsembleProvider zooKeeperConnectionDetailsEnsembleProvider(ZooKeeperConnectionDetails details) {
        return new FixedEnsembleProvider(details.connectString());
    }

    @Bean
    @ConditionalOnClass(CuratorFrameworkCustomizer.class)
    CuratorFrameworkCustomizer meshkeeperZooKeeperClientSettings(Environment environment) {
        return ZooKeeperClientSettings.customizer(Binder.get(environment));
    }
}
