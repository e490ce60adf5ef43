package dev.meshkeeper.zookeeper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.meshkeeper.registry.server.RegistryServer;
import dev.meshkeeper.registry.server.RegistryServerSettings;
import java.nio.file.Path;
import java.time.Duration;
import org.apache.curator.ensemble.EnsembleProvider;
import org.apache.curator.ensemble.fixed.FixedEnsembleProvider;
import org.apache.curator.framework.CuratorFramework;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Connection details reach Spring Cloud Zookeeper's Curator client — tested against a real server without Docker
 * (the Testcontainers variant is {@code MeshkeeperRegistryContainerTests}).
 */
@Timeout(120)
class ZooKeeperConnectionDetailsTests {

    @TempDir
    static Path dataDir;

    static RegistryServer registry;

    @BeforeAll
    static void startRegistry() {
        registry = new RegistryServer(RegistryServerSettings.builder().bindAddress("127.0.0.1").clientPort(0)
                .dataDir(dataDir).tickTime(Duration.ofMillis(200)).purgeInterval(Duration.ZERO).build());
        registry.start();
    }

    @AfterAll
    static void stopRegistry() {
        registry.close();
    }

    private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(ZooKeeperConnectionDetailsAutoConfiguration.class));

    @Test
    void connectionDetailsBecomeTheEnsembleProvider() {
        this.contextRunner.withUserConfiguration(DetailsConfiguration.class).run(context -> {
            assertThat(context).hasSingleBean(EnsembleProvider.class);
            assertThat(context.getBean(EnsembleProvider.class).getConnectionString())
                    .isEqualTo(registry.connectString());
        });
    }

    @Test
    void noEnsembleProviderWithoutConnectionDetails() {
        this.contextRunner.run(context -> assertThat(context).doesNotHaveBean(EnsembleProvider.class));
    }

    @Test
    void aUsersEnsembleProviderWins() {
        this.contextRunner.withUserConfiguration(DetailsConfiguration.class, UserEnsembleConfiguration.class)
                .run(context -> assertThat(context.getBean(EnsembleProvider.class).getConnectionString())
                        .isEqualTo("127.0.0.1:2"));
    }

    @Test
    void theApplicationConnectsAndRegistersWhereTheDetailsPoint() throws Exception {
        SpringApplication application = new SpringApplication(App.class);
        try (ConfigurableApplicationContext context = application.run("--server.port=0",
                "--spring.application.name=details-test", "--spring.cloud.zookeeper.connect-string=127.0.0.1:1",
                "--spring.cloud.zookeeper.config.enabled=false",
                "--spring.cloud.zookeeper.discovery.instance-host=127.0.0.1")) {
            CuratorFramework curator = context.getBean(CuratorFramework.class);
            assertThat(curator.getZookeeperClient().getCurrentConnectionString()).isEqualTo(registry.connectString());
            await().atMost(Duration.ofSeconds(30)).untilAsserted(
                    () -> assertThat(curator.getChildren().forPath("/services/details-test")).hasSize(1));
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class DetailsConfiguration {

        @Bean
        ZooKeeperConnectionDetails zooKeeperConnectionDetails() {
            return () -> registry.connectString();
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class UserEnsembleConfiguration {

        @Bean
        EnsembleProvider myEnsembleProvider() {
            return new FixedEnsembleProvider("127.0.0.1:2");
        }
    }

    @Configuration(proxyBeanMethods = false)
    @EnableAutoConfiguration
    static class App {

        @Bean
        ZooKeeperConnectionDetails zooKeeperConnectionDetails() {
            return () -> registry.connectString();
        }
    }
}
