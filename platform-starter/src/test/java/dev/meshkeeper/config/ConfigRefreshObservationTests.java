package dev.meshkeeper.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.meshkeeper.registry.junit.EmbeddedRegistry;
import dev.meshkeeper.registry.junit.RegistryHandle;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationHandler;
import io.micrometer.observation.ObservationRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.RetryOneTime;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.cloud.autoconfigure.ConfigurationPropertiesRebinderAutoConfiguration;
import org.springframework.cloud.zookeeper.config.ZookeeperPropertySource;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

@EmbeddedRegistry
@Timeout(60)
class ConfigRefreshObservationTests {

    private static final String CONTEXT = "/config/observation-test";

    private static CuratorFramework curator;

    private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(ConfigurationPropertiesRebinderAutoConfiguration.class,
                    ConfigAutoConfiguration.class))
            .withInitializer((context) -> context.getEnvironment().getPropertySources()
                    .addFirst(new ZookeeperPropertySource(CONTEXT, curator)))
            .withUserConfiguration(App.class);

    @BeforeAll
    static void connect(RegistryHandle registry) throws Exception {
        curator = CuratorFrameworkFactory.newClient(registry.connectString(), new RetryOneTime(100));
        curator.start();
        curator.blockUntilConnected();
        curator.create().creatingParentsIfNeeded().forPath(CONTEXT + "/orders.max-quantity",
                "20".getBytes(StandardCharsets.UTF_8));
    }

    @BeforeEach
    void startFromAGoodValue() throws Exception {
        write("20");
    }

    @AfterAll
    static void close() {
        curator.close();
    }

    @Test
    void eachRefreshWithChangesIsObservedWithItsOutcomeAndKeys() {
        List<Observation.Context> observed = new CopyOnWriteArrayList<>();
        ObservationRegistry registry = ObservationRegistry.create();
        registry.observationConfig().observationHandler(new Recording(observed));
        this.contextRunner.withBean(ObservationRegistry.class, () -> registry).run((context) -> {
            OrdersTestProperties orders = context.getBean(OrdersTestProperties.class);
            awaitWatching(context.getBean(LiveConfigRefresher.class));

            write("30");
            await().atMost(Duration.ofSeconds(10)).until(() -> orders.getMaxQuantity() == 30);
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(observed)
                    .anySatisfy((observation) -> assertThat(observation.getName())
                            .isEqualTo(LiveConfigRefresher.OBSERVATION)));
            assertThat(observed).last().satisfies((observation) -> {
                assertThat(observation.getLowCardinalityKeyValue("outcome").getValue()).isEqualTo("applied");
                assertThat(observation.getHighCardinalityKeyValue("keys").getValue())
                        .isEqualTo("orders.max-quantity");
            });

            int before = observed.size();
            write("0");
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(observed).hasSizeGreaterThan(before)
                    .last().satisfies((observation) -> assertThat(observation.getLowCardinalityKeyValue("outcome")
                            .getValue()).isEqualTo("rejected")));
            assertThat(orders.getMaxQuantity()).isEqualTo(30);
        });
    }

    @Test
    void withoutAnObservationRegistryTheRefreshWorksUnobserved() {
        this.contextRunner.run((context) -> {
            assertThat(context).doesNotHaveBean(ObservationRegistry.class);
            OrdersTestProperties orders = context.getBean(OrdersTestProperties.class);
            awaitWatching(context.getBean(LiveConfigRefresher.class));

            write("40");

            await().atMost(Duration.ofSeconds(10)).until(() -> orders.getMaxQuantity() == 40);
        });
    }

    private static void awaitWatching(LiveConfigRefresher refresher) {
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(refresher.describeContexts())
                .singleElement().satisfies((described) -> assertThat(described).containsEntry("watching", true)));
    }

    private static void write(String value) throws Exception {
        curator.setData().forPath(CONTEXT + "/orders.max-quantity", value.getBytes(StandardCharsets.UTF_8));
    }

    /** Keeps every stopped observation's context. */
    record Recording(List<Observation.Context> observed) implements ObservationHandler<Observation.Context> {

        @Override
        public void onStop(Observation.Context context) {
            this.observed.add(context);
        }

        @Override
        public boolean supportsContext(Observation.Context context) {
            return true;
        }
    }

    @Configuration(proxyBeanMethods = false)
    @EnableConfigurationProperties(OrdersTestProperties.class)
    static class App {

        @Bean(destroyMethod = "")
        CuratorFramework curatorFramework() {
            return curator;
        }

        @Bean
        org.springframework.validation.beanvalidation.LocalValidatorFactoryBean defaultValidator() {
            return new org.springframework.validation.beanvalidation.LocalValidatorFactoryBean();
        }
    }
}
