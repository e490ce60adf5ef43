package dev.meshkeeper.ensemble;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.meshkeeper.registry.junit.EmbeddedRegistry;
import dev.meshkeeper.registry.junit.RegistryHandle;
import dev.meshkeeper.zookeeper.ZooKeeperConnectionMonitor;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.RetryNTimes;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.cloud.context.refresh.ContextRefresher;
import org.springframework.cloud.endpoint.event.RefreshEvent;
import org.springframework.cloud.context.scope.refresh.RefreshScopeRefreshedEvent;
import org.springframework.context.ApplicationListener;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.MapPropertySource;

/**
 * A full refresh asked for while ZooKeeper is away ({@code ContextRefresher.refresh()}, which {@code /actuator/refresh}
 * and a {@link RefreshEvent} call) returns at once and keeps the last values, instead of waiting for Spring Cloud
 * Zookeeper's config loader to give up; the refresh runs when the connection returns.
 */
@EmbeddedRegistry(dedicated = true)
@Timeout(120)
class ConfigRefreshDuringOutageTests {

    private static final Logger logger = LoggerFactory.getLogger(ConfigRefreshDuringOutageTests.class);

    private static final String APP = "refresh-outage-consumer";

    private static ConfigurableApplicationContext app;

    private static final List<RefreshScopeRefreshedEvent> refreshes = new CopyOnWriteArrayList<>();

    @BeforeAll
    static void startApplication(RegistryHandle registry) throws Exception {
        try (CuratorFramework operator = CuratorFrameworkFactory.newClient(registry.connectString(),
                new RetryNTimes(3, 100))) {
            operator.start();
            operator.blockUntilConnected();
            operator.create().creatingParentsIfNeeded().forPath("/config/" + APP + "/ensemble.greeting",
                    "last-known".getBytes(StandardCharsets.UTF_8));
        }
        app = EnsembleApps.consumer(registry.connectString(), APP, "spring.cloud.zookeeper.session-timeout=4s",
                "spring.cloud.zookeeper.connection-timeout=2s");
        app.addApplicationListener((ApplicationListener<RefreshScopeRefreshedEvent>) refreshes::add);
        assertThat(greeting()).isEqualTo("last-known");
    }

    @AfterAll
    static void stopApplication() {
        if (app != null) {
            app.close();
        }
    }

    @Test
    void refreshDuringAnOutageReturnsAtOnceKeepsTheLastValuesAndRunsWhenZooKeeperReturns(RegistryHandle registry) {
        ZooKeeperConnectionMonitor monitor = app.getBean(ZooKeeperConnectionMonitor.class);
        registry.stop();
        await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> assertThat(monitor.isConnected()).isFalse());
        // A local change a full refresh would pick up (a rebind of every @ConfigurationProperties bean).
        app.getEnvironment().getPropertySources()
                .addFirst(new MapPropertySource("local-override", Map.of("ensemble.greeting", "local-change")));
        int refreshesBefore = refreshes.size();

        long askedAt = System.nanoTime();
        Set<String> changed = app.getBean(ContextRefresher.class).refresh();
        Duration took = Duration.ofNanos(System.nanoTime() - askedAt);
        logger.info("REFRESH-FIGURE ContextRefresher.refresh() during the outage returned in " + took.toMillis()
                + " ms");
        assertThat(took).as("refresh during an outage does not hang").isLessThan(Duration.ofSeconds(10));
        assertThat(changed).isEmpty();

        askedAt = System.nanoTime();
        app.publishEvent(new RefreshEvent(this, null, "refresh during the outage"));
        took = Duration.ofNanos(System.nanoTime() - askedAt);
        logger.info("REFRESH-FIGURE RefreshEvent during the outage handled in " + took.toMillis() + " ms");
        assertThat(took).as("refresh event during an outage does not hang").isLessThan(Duration.ofSeconds(10));

        assertThat(greeting()).as("bean keeps its last value").isEqualTo("last-known");
        assertThat(refreshes).hasSize(refreshesBefore);

        long restartedAt = System.nanoTime();
        registry.start();
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            assertThat(monitor.isConnected()).isTrue();
            assertThat(greeting()).as("deferred refresh ran").isEqualTo("local-change");
        });
        logger.info("REFRESH-FIGURE deferred refresh applied "
                + Duration.ofNanos(System.nanoTime() - restartedAt).toMillis() + " ms after the registry restart");
        await().atMost(Duration.ofSeconds(10)).until(() -> refreshes.size() > refreshesBefore);
        assertThat(refreshes).as("one refresh for the two asked during the outage").hasSize(refreshesBefore + 1);
        app.getEnvironment().getPropertySources().remove("local-override");
    }

    private static String greeting() {
        return app.getBean(EnsembleApps.Greeting.class).getGreeting();
    }
}
