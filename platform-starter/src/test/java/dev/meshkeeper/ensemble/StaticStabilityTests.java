package dev.meshkeeper.ensemble;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.meshkeeper.discovery.WatchedInstances;
import dev.meshkeeper.registry.junit.EmbeddedRegistry;
import dev.meshkeeper.registry.junit.RegistryHandle;
import dev.meshkeeper.zookeeper.ZooKeeperConnectionMonitor;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.framework.state.ConnectionState;
import org.apache.curator.retry.RetryNTimes;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.web.client.RestClient;

/**
 * Static stability with a single registry server: while it is away — stopped past the consumer's own session
 * timeout, or the consumer's session expired — the consumer keeps balancing over the last known instances, its
 * configuration keeps its last values and its {@code zookeeper} health stays UP within
 * {@code meshkeeper.zookeeper.outage-tolerance}, then reports the outage.
 * <p>
 * The providers' sessions (10 s) outlast the outages made here; the consumer's (2 s) does not, so the consumer sees
 * LOST and comes back with a new session. What is asserted about requests: every request of a steady stream first
 * finds a non-empty instance list and then gets an answer from a provider; not one fails, before, during or after
 * an outage. The lists the consumer's cache publishes are never empty (one instance may be missing for an instant
 * when the providers re-register on reconnect, which Curator's {@code ServiceDiscovery} does by delete and create).
 */
@EmbeddedRegistry(dedicated = true)
@Timeout(120)
class StaticStabilityTests {

    private static final Logger logger = LoggerFactory.getLogger(StaticStabilityTests.class);

    private static final String SERVICE = "stable-provider";

    private static final String CONSUMER = "stable-consumer";

    private static final List<ConfigurableApplicationContext> apps = new ArrayList<>();

    private static ConfigurableApplicationContext consumer;

    private static Set<String> providerIds;

    private static RequestLoop requests;

    private static final AtomicInteger smallestNotifiedList = new AtomicInteger(Integer.MAX_VALUE);

    @BeforeAll
    static void startApplications(RegistryHandle registry) throws Exception {
        try (CuratorFramework operator = CuratorFrameworkFactory.newClient(registry.connectString(),
                new RetryNTimes(3, 100))) {
            operator.start();
            operator.blockUntilConnected();
            operator.create().creatingParentsIfNeeded().forPath("/config/" + CONSUMER + "/ensemble.greeting",
                    "last-known".getBytes(StandardCharsets.UTF_8));
        }
        ConfigurableApplicationContext first = EnsembleApps.provider(registry.connectString(), SERVICE,
                "spring.cloud.zookeeper.session-timeout=10s");
        apps.add(first);
        ConfigurableApplicationContext second = EnsembleApps.provider(registry.connectString(), SERVICE,
                "spring.cloud.zookeeper.session-timeout=10s");
        apps.add(second);
        providerIds = Set.of(first.getBean(EnsembleApps.WhoAmI.class).whoAmI(),
                second.getBean(EnsembleApps.WhoAmI.class).whoAmI());
        consumer = EnsembleApps.consumer(registry.connectString(), CONSUMER,
                "spring.cloud.zookeeper.session-timeout=2s", "spring.cloud.zookeeper.connection-timeout=1s",
                "meshkeeper.zookeeper.outage-tolerance=4s");
        apps.add(consumer);
        WatchedInstances instances = consumer.getBean(WatchedInstances.class);
        await().atMost(Duration.ofSeconds(20))
                .untilAsserted(() -> assertThat(instances.instances(SERVICE)).hasSize(2));
        instances.addListener((service, current) -> {
            if (service.equals(SERVICE)) {
                smallestNotifiedList.accumulateAndGet(current.size(), Math::min);
            }
        });
        RestClient rest = consumer.getBean(RestClient.Builder.class).build();
        requests = new RequestLoop("stable-requests", () -> {
            if (instances.instances(SERVICE).isEmpty()) {
                throw new IllegalStateException("the consumer's instance list of " + SERVICE + " is empty");
            }
            return rest.get().uri("http://" + SERVICE + "/whoami").retrieve().body(String.class);
        }, Duration.ofMillis(20));
        requests.phase("registry up");
        await().atMost(Duration.ofSeconds(20))
                .untilAsserted(() -> assertThat(requests.answersIn("registry up")).containsOnlyKeys(providerIds));
    }

    @AfterAll
    static void stopApplications() throws Exception {
        if (requests != null) {
            requests.close();
        }
        for (int i = apps.size() - 1; i >= 0; i--) {
            apps.get(i).close();
        }
    }

    @Test
    void registryStoppedPastTheConsumersSessionKeepsInstancesConfigAndHealthUntilTheTolerance(
            RegistryHandle registry) {
        ZooKeeperConnectionMonitor monitor = consumer.getBean(ZooKeeperConnectionMonitor.class);
        HealthIndicator health = consumer.getBean("zookeeperHealthIndicator", HealthIndicator.class);
        long lossesBefore = monitor.losses();
        String phase = "registry stopped";
        requests.phase(phase);
        long stoppedAt = System.nanoTime();
        registry.stop();

        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(monitor.isConnected()).isFalse());
        assertThat(health.health().getStatus()).as("health at the start of the outage").isEqualTo(Status.UP);
        await().atMost(Duration.ofSeconds(15))
                .untilAsserted(() -> assertThat(monitor.losses()).as("consumer's session LOST").isGreaterThan(
                        lossesBefore));
        assertThat(consumer.getBean(WatchedInstances.class).instances(SERVICE)).hasSize(2);
        await().atMost(Duration.ofSeconds(15)).untilAsserted(
                () -> assertThat(health.health().getStatus()).as("health past the tolerance").isEqualTo(Status.DOWN));
        logger.info("STABILITY-FIGURE health DOWN after "
                + Duration.ofNanos(System.nanoTime() - stoppedAt).toMillis() + " ms of outage (tolerance 4 s)");
        await().atMost(Duration.ofSeconds(10))
                .untilAsserted(() -> assertThat(requests.answersIn(phase)).containsOnlyKeys(providerIds));
        assertThat(greeting()).isEqualTo("last-known");
        assertThat(consumer.getEnvironment().getProperty("ensemble.greeting")).isEqualTo("last-known");
        assertThat(requests.failuresIn(phase)).as("failed requests while the registry is stopped").isEmpty();

        String after = "registry restarted";
        requests.phase(after);
        long restartedAt = System.nanoTime();
        registry.start();
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            assertThat(monitor.isConnected()).isTrue();
            assertThat(health.health().getStatus()).isEqualTo(Status.UP);
        });
        logger.info("STABILITY-FIGURE consumer reconnected and UP "
                + Duration.ofNanos(System.nanoTime() - restartedAt).toMillis() + " ms after the restart");
        await().atMost(Duration.ofSeconds(15))
                .untilAsserted(() -> assertThat(requests.answersIn(after)).containsOnlyKeys(providerIds));
        assertThat(consumer.getBean(WatchedInstances.class).instances(SERVICE)).hasSize(2);
        assertThat(greeting()).isEqualTo("last-known");
        assertThat(requests.failures()).as("failed requests").isEmpty();
        // Listeners are never told the list is empty. The providers' sessions (10 s) usually outlive the outage (the
        // restarted server restores them), so often nothing is notified at all (Integer.MAX_VALUE); when a session
        // did expire, Curator's ServiceDiscovery re-registers by delete + create and the removal grace bridges it.
        assertThat(smallestNotifiedList.get()).as("smallest instance list notified").isGreaterThanOrEqualTo(1);
        logger.info("STABILITY-FIGURE smallest instance list notified " + smallestNotifiedList.get());
        logger.info("STABILITY-FIGURE registry stopped: answers " + requests.answersIn(phase)
                + ", restarted: answers " + requests.answersIn(after) + ", failed " + requests.failures().size());
    }

    @Test
    void expiryOfTheConsumersOwnSessionKeepsItsInstances(RegistryHandle registry) throws Exception {
        ZooKeeperConnectionMonitor monitor = consumer.getBean(ZooKeeperConnectionMonitor.class);
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(monitor.isConnected()).isTrue());
        long lossesBefore = monitor.losses();
        String phase = "consumer session expired";
        requests.phase(phase);
        CuratorFramework curator = consumer.getBean(CuratorFramework.class);
        long sessionBefore = curator.getZookeeperClient().getZooKeeper().getSessionId();
        registry.expireSession(curator.getZookeeperClient().getZooKeeper());

        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
            assertThat(monitor.losses()).isGreaterThan(lossesBefore);
            assertThat(monitor.currentState()).isIn(ConnectionState.RECONNECTED, ConnectionState.CONNECTED);
            assertThat(curator.getZookeeperClient().getZooKeeper().getSessionId()).isNotEqualTo(sessionBefore);
        });
        await().atMost(Duration.ofSeconds(15))
                .untilAsserted(() -> assertThat(requests.answersIn(phase)).containsOnlyKeys(providerIds));
        assertThat(consumer.getBean(WatchedInstances.class).instances(SERVICE)).hasSize(2);
        assertThat(smallestNotifiedList.get()).as("smallest instance list notified").isGreaterThanOrEqualTo(1);
        assertThat(requests.failures()).as("failed requests").isEmpty();
    }

    private static String greeting() {
        return consumer.getBean(EnsembleApps.Greeting.class).getGreeting();
    }
}
