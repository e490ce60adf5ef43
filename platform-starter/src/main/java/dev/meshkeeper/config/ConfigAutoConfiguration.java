package dev.meshkeeper.config;

import dev.meshkeeper.ConditionalOnMeshkeeperEnabled;
import dev.meshkeeper.zookeeper.ZooKeeperConnectionMonitor;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.observation.ObservationRegistry;
import java.time.Clock;
import org.apache.curator.framework.CuratorFramework;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.actuate.endpoint.SanitizingFunction;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingClass;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.cloud.context.properties.ConfigurationPropertiesRebinder;
import org.springframework.cloud.context.refresh.ContextRefresher;
import org.springframework.cloud.zookeeper.config.AbstractZookeeperPropertySource;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.validation.Validator;

/**
 * Live configuration from ZooKeeper: a targeted, validated refresh of the contexts Spring Cloud Zookeeper loaded
 * through {@code spring.config.import=optional:zookeeper:}. Uses the application's one {@link CuratorFramework}.
 */
@AutoConfiguration(afterName = { "org.springframework.cloud.zookeeper.ZookeeperAutoConfiguration",
        "org.springframework.cloud.autoconfigure.ConfigurationPropertiesRebinderAutoConfiguration",
        "org.springframework.cloud.autoconfigure.RefreshAutoConfiguration",
        "org.springframework.boot.validation.autoconfigure.ValidationAutoConfiguration" })
@ConditionalOnClass({ CuratorFramework.class, AbstractZookeeperPropertySource.class,
        ConfigurationPropertiesRebinder.class })
@ConditionalOnMeshkeeperEnabled
@ConditionalOnBooleanProperty(name = "meshkeeper.config.enabled", matchIfMissing = true)
@EnableConfigurationProperties(ConfigProperties.class)
public class ConfigAutoConfiguration {

    @Bean
    static BootstrapCuratorCloser meshkeeperBootstrapCuratorCloser() {
        return new BootstrapCuratorCloser();
    }

    @Bean
    @ConditionalOnBean(CuratorFramework.class)
    @ConditionalOnMissingBean
    LiveConfigRefresher liveConfigRefresher(ObjectProvider<CuratorFramework> curators,
            ConfigurableApplicationContext applicationContext, ConfigProperties properties,
            ObjectProvider<ConfigValueMask> mask, ObjectProvider<MeterRegistry> meters,
            ObjectProvider<ObservationRegistry> observations) {
        CuratorFramework curator = curators.getIfUnique();
        if (curator == null) {
            curator = applicationContext.getBean(BootstrapCuratorCloser.BEAN_NAME, CuratorFramework.class);
        }
        return new LiveConfigRefresher(curator, applicationContext, properties,
                mask.getIfAvailable(ConfigValueMask::byKeyName), validator(applicationContext),
                meters.getIfUnique(), observations.getIfUnique(), Clock.systemUTC());
    }

    @Bean
    @ConditionalOnBean(LiveConfigRefresher.class)
    @ConditionalOnMissingBean(name = "configEndpointContributor")
    ConfigEndpointContributor configEndpointContributor(LiveConfigRefresher refresher) {
        return new ConfigEndpointContributor(refresher);
    }

    private static Validator validator(ConfigurableApplicationContext applicationContext) {
        if (applicationContext.containsBean("defaultValidator")) {
            Object validator = applicationContext.getBean("defaultValidator");
            if (validator instanceof Validator springValidator) {
                return springValidator;
            }
        }
        return applicationContext.getBeanProvider(Validator.class).getIfUnique();
    }

    /**
     * A full refresh asked for while ZooKeeper is unreachable returns at once and runs when the connection returns,
     * instead of waiting for Spring Cloud Zookeeper's config loader to give up.
     */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(ContextRefresher.class)
    @ConditionalOnBooleanProperty(name = "meshkeeper.config.defer-refresh-during-outage", matchIfMissing = true)
    static class RefreshDuringOutageConfiguration {

        @Bean
        static RefreshDeferringPostProcessor meshkeeperRefreshDeferringPostProcessor(
                ObjectProvider<RefreshDeferral> deferral) {
            return new RefreshDeferringPostProcessor(deferral);
        }

        @Bean
        @ConditionalOnMissingBean
        RefreshDeferral meshkeeperRefreshDeferral(ObjectProvider<ZooKeeperConnectionMonitor> monitor,
                ObjectProvider<ContextRefresher> refresher) {
            return new RefreshDeferral(monitor, refresher);
        }
    }

    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(SanitizingFunction.class)
    static class SanitizingMaskConfiguration {

        @Bean
        @ConditionalOnMissingBean
        ConfigValueMask configValueMask(ObjectProvider<SanitizingFunction> functions) {
            return ConfigValueMask.sanitizer(functions.orderedStream().toList());
        }
    }
}
