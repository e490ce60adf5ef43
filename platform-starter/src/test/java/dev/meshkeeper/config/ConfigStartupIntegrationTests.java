package dev.meshkeeper.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.meshkeeper.registry.junit.EmbeddedRegistry;
import dev.meshkeeper.registry.junit.RegistryHandle;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.framework.imps.CuratorFrameworkState;
import org.apache.curator.retry.RetryOneTime;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.cloud.zookeeper.config.ConfigWatcher;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

@EmbeddedRegistry
@Timeout(120)
class ConfigStartupIntegrationTests {

    static CuratorFramework writer;

    @BeforeAll
    static void connect(RegistryHandle registry) throws Exception {
        writer = CuratorFrameworkFactory.newClient(registry.connectString(), new RetryOneTime(100));
        writer.start();
        writer.blockUntilConnected();
    }

    @AfterAll
    static void close() {
        writer.close();
    }

    @Test
    void valueWrittenBetweenInitialLoadAndFirstWatchIsApplied(RegistryHandle registry) throws Exception {
        writer.create().creatingParentsIfNeeded().forPath("/config/startup-write-test/orders/max-quantity",
                "20".getBytes(StandardCharsets.UTF_8));

        try (ConfigurableApplicationContext context = start(registry, "startup-write-test")) {
            assertThat(context.getBean(LateWriter.class).wrote).isTrue();
            OrdersTestProperties orders = context.getBean(OrdersTestProperties.class);
            await().atMost(Duration.ofSeconds(10)).until(() -> orders.getMaxQuantity() == 55);
            assertThat(context.getEnvironment().getProperty("orders.max-quantity")).isEqualTo("55");
            assertThat(context.getEnvironment().getProperty("orders.express-shipping")).isEqualTo("true");
            assertThat(orders.isExpressShipping()).isTrue();
        }
    }

    @Test
    void configLoadersCuratorClientIsClosedWithTheContext(RegistryHandle registry) {
        List<CuratorFramework> clients;
        try (ConfigurableApplicationContext context = start(registry, "startup-close-test")) {
            clients = List.copyOf(context.getBeansOfType(CuratorFramework.class).values());
            assertThat(clients).isNotEmpty().allSatisfy(
                    (client) -> assertThat(client.getState()).isEqualTo(CuratorFrameworkState.STARTED));
            assertThat(context.containsBean(BootstrapCuratorCloser.BEAN_NAME)).isTrue();
        }
        assertThat(clients).allSatisfy(
                (client) -> assertThat(client.getState()).isEqualTo(CuratorFrameworkState.STOPPED));
    }

    @Test
    void springCloudZookeepersWatcherRunsOnlyWhenMeshkeeperConfigIsOff(RegistryHandle registry) {
        try (ConfigurableApplicationContext context = start(registry, "startup-on-test")) {
            assertThat(context.getBeansOfType(ConfigWatcher.class)).isEmpty();
            assertThat(context.getBeansOfType(LiveConfigRefresher.class)).hasSize(1);
        }
        try (ConfigurableApplicationContext context = start(registry, "startup-off-test",
                "--meshkeeper.config.enabled=false")) {
            assertThat(context.getBeansOfType(ConfigWatcher.class)).hasSize(1);
            assertThat(context.getBeansOfType(LiveConfigRefresher.class)).isEmpty();
        }
    }

    private static ConfigurableApplicationContext start(RegistryHandle registry, String name, String... extra) {
        String[] args = new String[extra.length + 4];
        args[0] = "--spring.application.name=" + name;
        args[1] = "--spring.config.import=optional:zookeeper:";
        args[2] = "--spring.cloud.zookeeper.connect-string=" + registry.connectString();
        args[3] = "--spring.cloud.zookeeper.discovery.enabled=false";
        System.arraycopy(extra, 0, args, 4, extra.length);
        return new SpringApplicationBuilder(App.class).web(WebApplicationType.NONE).run(args);
    }

    @Configuration(proxyBeanMethods = false)
    @EnableAutoConfiguration
    @EnableConfigurationProperties(OrdersTestProperties.class)
    static class App {

        @Bean
        LateWriter lateWriter(org.springframework.core.env.Environment environment) throws Exception {
            return new LateWriter(environment.getProperty("spring.application.name"));
        }
    }

    /** Writes to ZooKeeper while the context is being created: after the config was loaded, before any watch. */
    static class LateWriter {

        final boolean wrote;

        LateWriter(String application) throws Exception {
            if ("startup-write-test".equals(application)) {
                writer.setData().forPath("/config/startup-write-test/orders/max-quantity",
                        "55".getBytes(StandardCharsets.UTF_8));
                writer.create().forPath("/config/startup-write-test/orders/express-shipping",
                        "true".getBytes(StandardCharsets.UTF_8));
                this.wrote = true;
            }
            else {
                this.wrote = false;
            }
        }
    }
}
