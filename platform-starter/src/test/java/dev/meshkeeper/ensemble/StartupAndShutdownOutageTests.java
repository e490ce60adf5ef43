package dev.meshkeeper.ensemble;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.meshkeeper.zookeeper.ZooKeeperConnectionMonitor;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.RetryOneTime;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.web.client.RestClient;

/**
 * Odd moments for an outage: an application started while ZooKeeper is absent (with
 * {@code spring.config.import=optional:zookeeper:}) starts on its local configuration, serves, and registers and
 * follows {@code /config/...} once ZooKeeper appears; an outage during graceful shutdown delays the shutdown by at
 * most the operation timeout.
 */
@Timeout(180)
class StartupAndShutdownOutageTests {

    private static final Logger logger = LoggerFactory.getLogger(StartupAndShutdownOutageTests.class);

    private static final String[] TIMEOUTS = { "spring.cloud.zookeeper.session-timeout=6s",
            "spring.cloud.zookeeper.connection-timeout=3s", "meshkeeper.zookeeper.operation-timeout=1s" };

    @TempDir
    Path directory;

    private RegistryProcess registry;

    private CuratorFramework operator;

    @BeforeEach
    void registry() {
        this.registry = new RegistryProcess(this.directory);
    }

    @AfterEach
    void stop() {
        if (this.operator != null) {
            this.operator.close();
        }
        this.registry.close();
    }

    @Test
    void anApplicationStartedWithoutZooKeeperServesThenRegistersAndFollowsConfigOnceItAppears() throws Exception {
        long startedAt = System.nanoTime();
        try (ConfigurableApplicationContext app = EnsembleApps.provider(this.registry.connectString(),
                "absent-at-start", with("ensemble.greeting=local"))) {
            logger.info("started without ZooKeeper in {} ms", millisSince(startedAt));
            assertThat(app.getBean(EnsembleApps.Greeting.class).getGreeting()).isEqualTo("local");
            String port = app.getEnvironment().getProperty("local.server.port");
            String id = RestClient.create().get().uri("http://127.0.0.1:" + port + "/whoami").retrieve()
                    .body(String.class);
            assertThat(id).isNotBlank();

            this.registry.start();
            long appearedAt = System.nanoTime();
            CuratorFramework operator = operator();
            await().atMost(Duration.ofSeconds(30)).ignoreExceptions().untilAsserted(() -> assertThat(
                    operator.checkExists().forPath("/services/absent-at-start/" + id)).as("registered").isNotNull());
            logger.info("registered {} ms after ZooKeeper appeared", millisSince(appearedAt));
            operator.create().creatingParentsIfNeeded().forPath("/config/absent-at-start/ensemble.greeting",
                    "live".getBytes(StandardCharsets.UTF_8));
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(
                    app.getBean(EnsembleApps.Greeting.class).getGreeting()).as("follows /config").isEqualTo("live"));
            logger.info("followed /config {} ms after ZooKeeper appeared", millisSince(appearedAt));
        }
    }

    @Test
    void anOutageDuringGracefulShutdownDelaysItByAtMostTheOperationTimeout() {
        this.registry.start();
        ConfigurableApplicationContext app = EnsembleApps.provider(this.registry.connectString(), "outage-at-stop",
                with("server.shutdown=graceful"));
        ZooKeeperConnectionMonitor monitor = app.getBean(ZooKeeperConnectionMonitor.class);
        await().atMost(Duration.ofSeconds(20)).until(monitor::isConnected);
        this.registry.kill();
        await().atMost(Duration.ofSeconds(15)).until(() -> !monitor.isConnected());

        long closingAt = System.nanoTime();
        app.close();
        long took = millisSince(closingAt);
        logger.info("shutdown during the outage took {} ms", took);
        // Operation timeout (1 s) plus the ordinary shutdown work; Curator's retry budget would be 15 s and more.
        assertThat(Duration.ofMillis(took)).isLessThan(Duration.ofSeconds(5));
    }

    private CuratorFramework operator() throws InterruptedException {
        this.operator = CuratorFrameworkFactory.newClient(this.registry.connectString(), 30_000, 5_000,
                new RetryOneTime(200));
        this.operator.start();
        assertThat(this.operator.blockUntilConnected(30, TimeUnit.SECONDS)).isTrue();
        return this.operator;
    }

    private static String[] with(String property) {
        String[] properties = new String[TIMEOUTS.length + 1];
        System.arraycopy(TIMEOUTS, 0, properties, 0, TIMEOUTS.length);
        properties[TIMEOUTS.length] = property;
        return properties;
    }

    private static long millisSince(long nanoTime) {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - nanoTime);
    }
}
