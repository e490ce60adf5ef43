package dev.meshkeeper.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.meshkeeper.zookeeper.ZooKeeperConnectionMonitor;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

import java.util.Map;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.framework.state.ConnectionState;
import org.apache.curator.retry.RetryOneTime;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.aop.support.AopUtils;
import org.springframework.beans.factory.support.DefaultListableBeanFactory;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.cloud.autoconfigure.ConfigurationPropertiesRebinderAutoConfiguration;
import org.springframework.cloud.context.refresh.ContextRefresher;
import org.springframework.cloud.context.scope.refresh.RefreshScope;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.ConfigurableApplicationContext;
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

    @Test
    void refreshAskedForWhileDisconnectedIsHeldBackAndRunsWhenTheConnectionReturns() {
        this.contextRunner.withUserConfiguration(CuratorConfiguration.class, RefresherConfiguration.class)
                .run((context) -> {
                    assertThat(context).hasSingleBean(RefreshDeferral.class);
                    ContextRefresher refresher = context.getBean(ContextRefresher.class);
                    assertThat(AopUtils.isAopProxy(refresher)).isTrue();
                    CountingRefresher target = context.getBean(RefresherConfiguration.class).target;
                    ZooKeeperConnectionMonitor monitor = context.getBean(ZooKeeperConnectionMonitor.class);
                    assertThat(monitor.isConnected()).isFalse();

                    assertThat(refresher.refresh()).isEmpty();
                    assertThat(refresher.refreshEnvironment()).isEmpty();
                    assertThat(target.updates).hasValue(0);
                    assertThat(context.getBean(RefreshDeferral.class).pending())
                            .isEqualTo(RefreshDeferral.Pending.FULL);

                    monitor.stateChanged(context.getBean(CuratorFramework.class), ConnectionState.RECONNECTED);
                    await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(target.updates).hasValue(1));
                    assertThat(context.getBean(RefreshDeferral.class).pending())
                            .isEqualTo(RefreshDeferral.Pending.NONE);

                    refresher.refreshEnvironment();
                    assertThat(target.updates).as("connected: runs at once").hasValue(2);
                });
    }

    @Test
    void deferRefreshDuringOutageFalseLeavesTheContextRefresherAlone() {
        this.contextRunner.withUserConfiguration(CuratorConfiguration.class, RefresherConfiguration.class)
                .withPropertyValues("meshkeeper.config.defer-refresh-during-outage=false").run((context) -> {
                    assertThat(context).doesNotHaveBean(RefreshDeferral.class);
                    assertThat(AopUtils.isAopProxy(context.getBean(ContextRefresher.class))).isFalse();
                });
    }

    @Test
    void userRefreshDeferralReplacesOurs() {
        this.contextRunner.withUserConfiguration(CuratorConfiguration.class, RefresherConfiguration.class)
                .withBean("userDeferral", RefreshDeferral.class,
                        () -> new RefreshDeferral(new DefaultListableBeanFactory().getBeanProvider(
                                ZooKeeperConnectionMonitor.class),
                                new DefaultListableBeanFactory().getBeanProvider(ContextRefresher.class)))
                .run((context) -> assertThat(context).hasSingleBean(RefreshDeferral.class).hasBean("userDeferral"));
    }

    /** A refresher that counts the environment updates it was asked for. */
    static class CountingRefresher extends ContextRefresher {

        final AtomicInteger updates = new AtomicInteger();

        CountingRefresher(ConfigurableApplicationContext context, RefreshScope scope) {
            super(context, scope);
        }

        @Override
        protected void updateEnvironment() {
            this.updates.incrementAndGet();
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class RefresherConfiguration {

        CountingRefresher target;

        @Bean
        ContextRefresher contextRefresher(ConfigurableApplicationContext context) {
            RefreshScope scope = new RefreshScope();
            scope.setApplicationContext(context);
            this.target = new CountingRefresher(context, scope);
            return this.target;
        }

        @Bean
        ZooKeeperConnectionMonitor zooKeeperConnectionMonitor(CuratorFramework curator,
                ApplicationEventPublisher publisher) {
            return new ZooKeeperConnectionMonitor(curator, publisher);
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class CuratorConfiguration {

        @Bean(destroyMethod = "close")
        CuratorFramework curatorFramework() {
            return CuratorFrameworkFactory.newClient("127.0.0.1:1", new RetryOneTime(10));
        }
    }
}
