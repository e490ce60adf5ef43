package dev.meshkeeper.zookeeper;

import dev.meshkeeper.ConditionalOnMeshkeeperEnabled;
import org.apache.curator.framework.CuratorFramework;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.AnyNestedCondition;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;

/**
 * The {@code authentication} section of the {@code meshkeeper} endpoint when ZooKeeper credentials are configured,
 * and the check that they are complete. The credentials themselves reach both Curator clients through
 * {@link ZooKeeperAuthentication}, a {@link ZooKeeperClientCustomizer}, not through a bean.
 */
@AutoConfiguration(beforeName = "org.springframework.cloud.zookeeper.ZookeeperAutoConfiguration")
@ConditionalOnClass(CuratorFramework.class)
@ConditionalOnMeshkeeperEnabled
@Conditional(ZooKeeperAuthenticationAutoConfiguration.CredentialsConfigured.class)
@EnableConfigurationProperties(ZooKeeperAuthenticationProperties.class)
public class ZooKeeperAuthenticationAutoConfiguration {

    @Bean
    @ConditionalOnMissingBean(name = "zooKeeperAuthenticationEndpointContributor")
    ZooKeeperAuthenticationEndpointContributor zooKeeperAuthenticationEndpointContributor(
            ZooKeeperAuthenticationProperties properties) {
        ZooKeeperAuthentication.validated(properties);
        return new ZooKeeperAuthenticationEndpointContributor(properties.getUsername());
    }

    static class CredentialsConfigured extends AnyNestedCondition {

        CredentialsConfigured() {
            super(ConfigurationPhase.REGISTER_BEAN);
        }

        @ConditionalOnProperty(prefix = ZooKeeperAuthenticationProperties.PREFIX, name = "username")
        static class Username {

        }

        @ConditionalOnProperty(prefix = ZooKeeperAuthenticationProperties.PREFIX, name = "password")
        static class Password {

        }
    }
}
