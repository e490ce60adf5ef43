package dev.meshkeeper.ensemble;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

import dev.meshkeeper.discovery.InstanceRegistration;
import dev.meshkeeper.discovery.WatchedInstances;
import dev.meshkeeper.leader.ClusterLeadership;
import dev.meshkeeper.lock.CuratorDistributedLocks;
import dev.meshkeeper.lock.DistributedLocks;
import dev.meshkeeper.lock.LockLease;
import dev.meshkeeper.zookeeper.ZooKeeperConnectionMonitor;
import dev.meshkeeper.zookeeper.ZooKeeperRequests;
import dev.meshkeeper.zookeeper.ZooKeeperUnavailableException;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
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
import org.springframework.cloud.client.discovery.DiscoveryClient;
import org.springframework.cloud.zookeeper.discovery.ZookeeperInstance;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * A registry server paused with SIGSTOP answers nothing while its sockets stay open: the applications' sessions
 * (45 s here) outlast the pause, so their connections still look up and only the operation timeout
 * ({@code meshkeeper.zookeeper.operation-timeout}, 1 s) stands between a request and a hang. Every request an
 * application thread makes ends within it; a lock node whose creation was given up on does not block the lock once
 * the server resumes.
 */
@Timeout(180)
class PausedRegistryTests {

    private static final Logger logger = LoggerFactory.getLogger(PausedRegistryTests.class);

    private static final String SERVICE = "paused-provider";

    private static final String GROUP = "paused-group";

    /** Generous: a request must end near the operation timeout (1 s), not after Curator's retry budget. */
    private static final Duration NO_HANG = Duration.ofSeconds(4);

    @TempDir
    static Path directory;

    private static RegistryProcess registry;

    private static ConfigurableApplicationContext provider;

    private static ConfigurableApplicationContext consumer;

    private static CuratorFramework operator;

    @BeforeAll
    static void start() throws Exception {
        registry = new RegistryProcess(directory);
        registry.start();
        String[] longSession = { "spring.cloud.zookeeper.session-timeout=45s",
                "spring.cloud.zookeeper.connection-timeout=5s", "meshkeeper.zookeeper.operation-timeout=1s" };
        provider = EnsembleApps.provider(registry.connectString(), SERVICE, longSession);
        consumer = EnsembleApps.consumer(registry.connectString(), "paused-consumer", longSession);
        operator = CuratorFrameworkFactory.newClient(registry.connectString(), 45_000, 5_000, new RetryOneTime(100));
        operator.start();
        assertThat(operator.blockUntilConnected(30, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
    }

    @AfterAll
    static void stop() {
        if (operator != null) {
            operator.close();
        }
        if (consumer != null) {
            consumer.close();
        }
        if (provider != null) {
            provider.close();
        }
        if (registry != null) {
            registry.close();
        }
    }

    @Test
    void everyRequestOfAnApplicationThreadEndsWithinTheOperationTimeoutAndNoLockNodeIsLeftBehind() throws Exception {
        ClusterLeadership leadership = consumer.getBean(ClusterLeadership.class);
        leadership.join(GROUP);
        await().atMost(Duration.ofSeconds(20)).until(() -> leadership.isLeader(GROUP));
        String leaderId = leadership.currentLeader(GROUP).orElseThrow();
        DiscoveryClient discovery = consumer.getBean(DiscoveryClient.class);
        await().atMost(Duration.ofSeconds(20)).until(() -> discovery.getInstances(SERVICE).size() == 1);
        DistributedLocks locks = consumer.getBean(DistributedLocks.class);
        ZooKeeperRequests requests = consumer.getBean(ZooKeeperRequests.class);
        InstanceRegistration registration = provider.getBean(InstanceRegistration.class);
        String lock = "paused-lock";

        registry.pause();
        try {
            Optional<LockLease> lease = timed("lock tryAcquire(20 s)",
                    () -> locks.mutex(lock).tryAcquire(Duration.ofSeconds(20)));
            assertThat(lease).as("a lock whose node cannot be created is not acquired").isEmpty();
            assertThatExceptionOfType(ZooKeeperUnavailableException.class)
                    .isThrownBy(() -> timed("ZooKeeperRequests set", () -> requests.call("set", "/paused-write",
                            (client, callback) -> client.setData().inBackground(callback).forPath("/paused-write",
                                    "x".getBytes(StandardCharsets.UTF_8)))))
                    .satisfies(ex -> assertThat(ex.path()).isEqualTo("/paused-write"));
            timed("registration metadata write", () -> {
                registration.updateMetadata(Map.of("color", "amber"));
                return null;
            });
            assertThat(registration.metadata()).containsEntry("color", "amber");
            assertThat(timed("current leader", () -> leadership.currentLeader(GROUP)))
                    .as("answered from memory, not by asking the paused server").hasValue(leaderId);
            assertThat(timed("getInstances", () -> discovery.getInstances(SERVICE))).hasSize(1);
            assertThat(timed("getServices", discovery::getServices)).contains(SERVICE);
            assertThat(consumer.getBean(ZooKeeperConnectionMonitor.class).isConnected())
                    .as("the pause is shorter than the read timeout: the connection still looks up").isTrue();
        }
        finally {
            registry.resume();
        }

        // The lock node whose creation was given up on is deleted once it is created; another participant gets in.
        String lockPath = "/meshkeeper/locks/" + lock;
        await().atMost(Duration.ofSeconds(20)).ignoreExceptions().untilAsserted(() -> assertThat(
                (operator.checkExists().forPath(lockPath) != null) ? operator.getChildren().forPath(lockPath)
                        : java.util.List.of()).as("lock nodes").isEmpty());
        try (DistributedLocks other = CuratorDistributedLocks.builder(operator).instanceId(() -> "operator")
                .meterRegistry(new SimpleMeterRegistry()).build()) {
            Optional<LockLease> lease = other.mutex(lock).tryAcquire(Duration.ofSeconds(10));
            assertThat(lease).as("another participant acquires the lock").isPresent();
            lease.get().close();
        }
        // The write that got no answer in time was still delivered once the server resumed.
        String id = registration.instanceId();
        await().atMost(Duration.ofSeconds(20)).ignoreExceptions().untilAsserted(() -> assertThat(
                new JsonInstanceSerializer<>(ZookeeperInstance.class)
                        .deserialize(operator.getData().forPath("/services/" + SERVICE + "/" + id)).getPayload()
                        .getMetadata()).containsEntry("color", "amber"));
        await().atMost(Duration.ofSeconds(20))
                .untilAsserted(() -> assertThat(leadership.currentLeader(GROUP)).isPresent());
        assertThat(leadership.isLeader(GROUP)).as("the session outlived the pause: still leader").isTrue();
        assertThat(consumer.getBean(WatchedInstances.class).instances(SERVICE)).hasSize(1);
    }

    private static <T> T timed(String what, Callable<T> call) throws Exception {
        long start = System.nanoTime();
        try {
            return call.call();
        }
        finally {
            Duration took = Duration.ofNanos(System.nanoTime() - start);
            logger.info("{} during the pause took {} ms", what, took.toMillis());
            assertThat(took).as("%s during the pause", what).isLessThan(NO_HANG);
        }
    }
}
