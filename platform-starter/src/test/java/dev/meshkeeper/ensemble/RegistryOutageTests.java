package dev.meshkeeper.ensemble;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

import dev.meshkeeper.discovery.InstanceRegistration;
import dev.meshkeeper.discovery.WatchedInstances;
import dev.meshkeeper.leader.ClusterLeadership;
import dev.meshkeeper.lock.DistributedLocks;
import dev.meshkeeper.zookeeper.ZooKeeperConnectionMonitor;
import dev.meshkeeper.zookeeper.ZooKeeperRequests;
import dev.meshkeeper.zookeeper.ZooKeeperUnavailableException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.RetryOneTime;
import org.apache.curator.x.discovery.details.JsonInstanceSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.cloud.zookeeper.discovery.ZookeeperInstance;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.http.client.SimpleClientHttpRequestFactory;
import org.springframework.web.client.RestClient;

/**
 * The registry server in its own process goes away in the two ways a real one does — killed with SIGKILL and
 * restarted 10 s later on the same port and data directory, and paused with SIGSTOP for 10 s (its sockets stay
 * open and nothing answers) — under a steady stream of load-balanced calls from a consumer through two providers.
 * <p>
 * Asserted: not one call fails; the providers' health answers 200 within 2 s throughout; a lock and a write are
 * refused fast; and afterwards registrations (including a change made during the outage), watches (instances and
 * config), leadership and config are back.
 * <p>
 * Session timeout 6 s, connection timeout 3 s for every application: a pause is detected after 4 s (two thirds of
 * the session timeout without an answer), the sessions are lost after 6 s more, and everything comes back on new
 * sessions when the server returns. Health stays UP through the outage (outage tolerance 30 s).
 */
@Timeout(240)
class RegistryOutageTests {

    private static final Logger logger = LoggerFactory.getLogger(RegistryOutageTests.class);

    private static final String SERVICE = "outage-provider";

    private static final String CONSUMER = "outage-consumer";

    private static final String GROUP = "outage-jobs";

    private static final Duration OUTAGE = Duration.ofSeconds(10);

    /** Generous no-hang bound for a health answer and for a refused write. */
    private static final Duration NO_HANG = Duration.ofSeconds(2);

    private static final String[] TIMEOUTS = { "spring.cloud.zookeeper.session-timeout=6s",
            "spring.cloud.zookeeper.connection-timeout=3s", "meshkeeper.zookeeper.operation-timeout=1s" };

    @TempDir
    static Path directory;

    private static RegistryProcess registry;

    private static final List<ConfigurableApplicationContext> apps = new ArrayList<>();

    private static ConfigurableApplicationContext consumer;

    private static ConfigurableApplicationContext firstProvider;

    private static Set<String> providerIds;

    private static CuratorFramework operator;

    private static RequestLoop calls;

    private static RequestLoop health;

    @BeforeAll
    static void start() throws Exception {
        registry = new RegistryProcess(directory);
        registry.start();
        operator = CuratorFrameworkFactory.newClient(registry.connectString(), 30_000, 5_000, new RetryOneTime(200));
        operator.start();
        assertThat(operator.blockUntilConnected(30, TimeUnit.SECONDS)).isTrue();
        operator.create().creatingParentsIfNeeded().forPath("/config/" + CONSUMER + "/ensemble.greeting",
                "before".getBytes(StandardCharsets.UTF_8));
        firstProvider = EnsembleApps.provider(registry.connectString(), SERVICE, withTimeouts());
        apps.add(firstProvider);
        ConfigurableApplicationContext second = EnsembleApps.provider(registry.connectString(), SERVICE,
                withTimeouts());
        apps.add(second);
        providerIds = Set.of(id(firstProvider), id(second));
        consumer = EnsembleApps.consumer(registry.connectString(), CONSUMER, withTimeouts());
        apps.add(consumer);
        consumer.getBean(ClusterLeadership.class).join(GROUP);
        WatchedInstances instances = consumer.getBean(WatchedInstances.class);
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            assertThat(instances.instances(SERVICE)).hasSize(2);
            assertThat(consumer.getBean(ClusterLeadership.class).isLeader(GROUP)).isTrue();
        });
        RestClient balanced = consumer.getBean(RestClient.Builder.class).build();
        calls = new RequestLoop("outage-calls",
                () -> balanced.get().uri("http://" + SERVICE + "/whoami").retrieve().body(String.class),
                Duration.ofMillis(20));
        // The first health requests of a fresh JVM are slow (class loading, JIT): warm up before measuring.
        await().atMost(Duration.ofSeconds(30)).ignoreExceptions().until(() -> providerHealth() != null);
        health = new RequestLoop("outage-health", RegistryOutageTests::providerHealth, Duration.ofMillis(100));
        await().atMost(Duration.ofSeconds(20))
                .untilAsserted(() -> assertThat(calls.answersIn("start")).containsOnlyKeys(providerIds));
    }

    @AfterAll
    static void stop() throws Exception {
        if (calls != null) {
            calls.close();
        }
        if (health != null) {
            health.close();
        }
        for (int i = apps.size() - 1; i >= 0; i--) {
            apps.get(i).close();
        }
        if (operator != null) {
            operator.close();
        }
        if (registry != null) {
            registry.close();
        }
    }

    @Test
    void killedAndRestartedOnTheSameDataCostsOnlyWrites() throws Exception {
        survives("sigkill", () -> {
            registry.kill();
            return registry::start;
        });
    }

    @Test
    void pausedAndResumedCostsOnlyWrites() throws Exception {
        survives("sigstop", () -> {
            registry.pause();
            return registry::resume;
        });
    }

    private void survives(String kind, Outage outage) throws Exception {
        ZooKeeperConnectionMonitor monitor = consumer.getBean(ZooKeeperConnectionMonitor.class);
        ClusterLeadership leadership = consumer.getBean(ClusterLeadership.class);
        await().atMost(Duration.ofSeconds(30)).until(() -> monitor.isConnected() && leadership.isLeader(GROUP));
        String greetingBefore = greeting();
        String phase = kind + " outage";
        calls.phase(phase);
        health.phase(phase);
        long beganAt = System.nanoTime();
        Runnable end = outage.begin();
        try {
            await().atMost(Duration.ofSeconds(15)).until(() -> !monitor.isConnected());
            logger.info("{}: consumer saw the outage after {} ms", kind, millisSince(beganAt));
            refusedFast(kind);
            await().atMost(Duration.ofSeconds(10))
                    .untilAsserted(() -> assertThat(leadership.isLeader(GROUP)).as("leadership void").isFalse());
            firstProvider.getBean(InstanceRegistration.class).updateMetadata(Map.of("outage", kind));
            Duration left = Duration.ofNanos(Math.max(0, OUTAGE.toNanos() - (System.nanoTime() - beganAt)));
            // The outage lasts its full length while the load keeps flowing; all along, the consumer knows it is
            // disconnected and its config keeps its last value.
            await().during(left).atMost(left.plusSeconds(5)).untilAsserted(() -> {
                assertThat(monitor.isConnected()).as("connected during the outage").isFalse();
                assertThat(greeting()).as("config keeps its last value").isEqualTo(greetingBefore);
            });
        }
        finally {
            end.run();
        }
        long endedAt = System.nanoTime();
        String after = kind + " recovery";
        calls.phase(after);
        health.phase(after);

        await().atMost(Duration.ofSeconds(45)).untilAsserted(() -> {
            assertThat(monitor.isConnected()).isTrue();
            assertThat(leadership.isLeader(GROUP)).as("leadership back").isTrue();
        });
        String value = kind + "-after";
        operator.setData().forPath("/config/" + CONSUMER + "/ensemble.greeting", value.getBytes(StandardCharsets.UTF_8));
        await().atMost(Duration.ofSeconds(30))
                .untilAsserted(() -> assertThat(greeting()).as("config watch back").isEqualTo(value));
        String firstId = id(firstProvider);
        await().atMost(Duration.ofSeconds(30)).ignoreExceptions().untilAsserted(() -> assertThat(
                new JsonInstanceSerializer<>(ZookeeperInstance.class)
                        .deserialize(operator.getData().forPath("/services/" + SERVICE + "/" + firstId))
                        .getPayload().getMetadata()).as("change made during the outage").containsEntry("outage",
                                kind));
        WatchedInstances instances = consumer.getBean(WatchedInstances.class);
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(instances.instances(SERVICE))
                .as("instance watch back (all: %s, consumer reads: %s, node: %s)",
                        describe(instances.allInstances(SERVICE)),
                        new String(consumer.getBean(CuratorFramework.class).getData()
                                .forPath("/services/" + SERVICE + "/" + firstId), StandardCharsets.UTF_8),
                        new String(operator.getData().forPath("/services/" + SERVICE + "/" + firstId),
                                StandardCharsets.UTF_8)).anySatisfy(instance -> assertThat(instance.getMetadata())
                        .containsEntry("outage", kind)).hasSize(2));
        await().atMost(Duration.ofSeconds(20))
                .untilAsserted(() -> assertThat(calls.answersIn(after)).containsOnlyKeys(providerIds));
        logger.info("{}: everything back {} ms after the registry returned; calls during {}, after {}; health "
                + "checks {}", kind, millisSince(endedAt), calls.answersIn(phase), calls.answersIn(after),
                health.requests());
        assertThat(calls.failures()).as("failed calls").isEmpty();
        assertThat(health.failures()).as("health answers other than 200 within %s", NO_HANG).isEmpty();
        assertThat(health.answersIn(phase)).as("health answered during the outage").isNotEmpty();
    }

    /** A lock and a write are refused within the no-hang bound while the connection is down. */
    private static void refusedFast(String kind) {
        long start = System.nanoTime();
        assertThat(consumer.getBean(DistributedLocks.class).mutex("outage-lock").tryAcquire(Duration.ofSeconds(10)))
                .as("lock during the outage").isEmpty();
        ZooKeeperRequests requests = consumer.getBean(ZooKeeperRequests.class);
        assertThatExceptionOfType(ZooKeeperUnavailableException.class).isThrownBy(() -> requests.call("set",
                "/outage-write", (client, callback) -> client.setData().inBackground(callback).forPath("/outage-write",
                        new byte[0])));
        Duration took = Duration.ofNanos(System.nanoTime() - start);
        logger.info("{}: lock and write refused in {} ms", kind, took.toMillis());
        assertThat(took).as("lock and write refused").isLessThan(NO_HANG);
    }

    private static String providerHealth() {
        long start = System.nanoTime();
        SimpleClientHttpRequestFactory factory = new SimpleClientHttpRequestFactory();
        factory.setConnectTimeout(NO_HANG);
        factory.setReadTimeout(Duration.ofSeconds(10));
        String port = firstProvider.getEnvironment().getProperty("local.server.port");
        int status = RestClient.builder().requestFactory(factory).build().get()
                .uri("http://127.0.0.1:" + port + "/actuator/health")
                .exchange((request, response) -> response.getStatusCode().value());
        Duration took = Duration.ofNanos(System.nanoTime() - start);
        if (status != 200 || took.compareTo(NO_HANG) >= 0) {
            throw new IllegalStateException("health answered " + status + " in " + took.toMillis() + " ms");
        }
        return "UP";
    }

    private static String describe(List<org.springframework.cloud.client.ServiceInstance> instances) {
        return instances.stream().map(instance -> instance.getInstanceId() + "=" + instance.getMetadata()).toList()
                .toString();
    }

    private static String[] withTimeouts() {
        return TIMEOUTS.clone();
    }

    private static String id(ConfigurableApplicationContext provider) {
        return provider.getBean(EnsembleApps.WhoAmI.class).whoAmI();
    }

    private static String greeting() {
        return consumer.getBean(EnsembleApps.Greeting.class).getGreeting();
    }

    private static long millisSince(long nanoTime) {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - nanoTime);
    }

    /** Begins an outage and returns how to end it. */
    @FunctionalInterface
    private interface Outage {

        Runnable begin();
    }
}
