package dev.meshkeeper.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.RetryOneTime;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.cloud.autoconfigure.ConfigurationPropertiesRebinderAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.StandardEnvironment;

@Timeout(60)
class ConfigAutoConfigurationTests {

    private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(ConfigurationPropertiesRebinderAutoConfiguration.class,
                    ConfigAutoConfiguration.class));

    @Test
    void liveRefreshIsConfiguredOverTheApplicationsCurator() {
        this.contextRunner.withUserConfiguration(CuratorConfiguration.class).run((context) -> {
            assertThat(context).hasSingleBean(LiveConfigRefresher.class);
            assertThat(context).hasBean("configEndpointContributor");
            assertThat(context).hasSingleBean(ConfigValueMask.class);
            assertThat(context.getBean(ConfigProperties.class).getCoalesceWindow().toMillis()).isEqualTo(5);
        });
    }

    @Test
    void backsOffWithoutACuratorClient() {
        this.contextRunner.run((context) -> assertThat(context).doesNotHaveBean(LiveConfigRefresher.class));
    }

    @Test
    void meshkeeperConfigEnabledFalseSwitchesItOff() {
        this.contextRunner.withUserConfiguration(CuratorConfiguration.class)
                .withPropertyValues("meshkeeper.config.enabled=false")
                .run((context) -> assertThat(context).doesNotHaveBean(LiveConfigRefresher.class));
    }

    @Test
    void meshkeeperEnabledFalseSwitchesItOff() {
        this.contextRunner.withUserConfiguration(CuratorConfiguration.class)
                .withPropertyValues("meshkeeper.enabled=false")
                .run((context) -> assertThat(context).doesNotHaveBean(LiveConfigRefresher.class));
    }

    @Test
    void watcherSwitchTurnsSpringCloudZookeepersWatcherOffOnlyWhileLiveRefreshIsOn() {
        StandardEnvironment on = new StandardEnvironment();
        new ZookeeperConfigWatcherSwitch().postProcessEnvironment(on, new SpringApplication());
        assertThat(on.getProperty("spring.cloud.zookeeper.config.watcher.enabled")).isEqualTo("false");

        StandardEnvironment off = new StandardEnvironment();
        off.getPropertySources()
                .addFirst(new MapPropertySource("test", Map.of("meshkeeper.config.enabled", "false")));
        new ZookeeperConfigWatcherSwitch().postProcessEnvironment(off, new SpringApplication());
        assertThat(off.getProperty("spring.cloud.zookeeper.config.watcher.enabled")).isNull();
    }

    @Test
    void sensitiveValuesAreMaskedByBootsRulesAndOthersShown() {
        ConfigValueMask mask = ConfigValueMask.sanitizer(java.util.List.of());
        assertThat(mask.mask(null, "payments.password", "hunter2")).isEqualTo(ConfigValueMask.MASKED);
        assertThat(mask.mask(null, "api.token", "abc")).isEqualTo(ConfigValueMask.MASKED);
        assertThat(mask.mask(null, "orders.max-quantity", "20")).isEqualTo("20");
        assertThat(ConfigValueMask.byKeyName().mask(null, "db.secret", "x")).isEqualTo(ConfigValueMask.MASKED);
        assertThat(ConfigValueMask.byKeyName().mask(null, "orders.max-quantity", "20")).isEqualTo("20");
    }

    @Configuration(proxyBeanMethods = false)
    static class CuratorConfiguration {

        @Bean(destroyMethod = "close")
        CuratorFramework curatorFramework() {
            return CuratorFrameworkFactory.newClient("127.0.0.1:1", new RetryOneTime(10));
        }
    }
}
