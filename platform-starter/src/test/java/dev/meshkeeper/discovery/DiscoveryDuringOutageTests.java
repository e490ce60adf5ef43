package dev.meshkeeper.discovery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.meshkeeper.registry.junit.EmbeddedRegistry;
import dev.meshkeeper.registry.junit.RegistryHandle;
import dev.meshkeeper.testapps.MeshApps;
import dev.meshkeeper.zookeeper.ZooKeeperConnectionMonitor;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.RetryOneTime;
import org.apache.curator.x.discovery.ServiceInstance;
import org.apache.curator.x.discovery.details.JsonInstanceSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.cloud.client.discovery.DiscoveryClient;
import org.springframework.cloud.client.discovery.ReactiveDiscoveryClient;
import org.springframework.cloud.zookeeper.discovery.ZookeeperInstance;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.web.client.RestClient;

/**
 * While ZooKeeper is away, discovery (blocking and reactive, instances and service names, even the first lookup of
 * a service never seen before) and every health contributor answer from memory at once; health stays UP within
 * {@code meshkeeper.zookeeper.outage-tolerance}, and the liveness and readiness groups stay UP beyond it, since they
 * do not include ZooKeeper.
 */
@EmbeddedRegistry(dedicated = true)
@Timeout(120)
class DiscoveryDuringOutageTests {

    private static final Logger logger = LoggerFactory.getLogger(DiscoveryDuringOutageTests.class);

    private static final String PROVIDER = "outage-provider";

    private static final String UNSEEN = "outage-unseen";

    /** Generous: an answer from memory takes milliseconds; a ZooKeeper round trip during an outage takes 15 s+. */
    private static final Duration NO_HANG = Duration.ofSeconds(2);

    private static ConfigurableApplicationContext provider;

    private static ConfigurableApplicationContext observer;

    private static RestClient http;

    @BeforeAll
    static void start(RegistryHandle registry) throws Exception {
        try (CuratorFramework operator = CuratorFrameworkFactory.newClient(registry.connectString(),
                new RetryOneTime(100))) {
            operator.start();
            operator.blockUntilConnected();
            ServiceInstance<ZookeeperInstance> unseen = ServiceInstance.<ZookeeperInstance>builder().name(UNSEEN)
                    .id("unseen-1").address("127.0.0.1").port(9)
                    .payload(new ZookeeperInstance("unseen-1", UNSEEN, Map.of())).build();
            operator.create().creatingParentsIfNeeded().forPath("/services/" + UNSEEN + "/unseen-1",
                    new JsonInstanceSerializer<>(ZookeeperInstance.class).serialize(unseen));
        }
        provider = MeshApps.provider(registry.connectString(), PROVIDER,
                "spring.cloud.zookeeper.session-timeout=30s");
        observer = MeshApps.provider(registry.connectString(), "outage-observer",
                "spring.cloud.zookeeper.session-timeout=30s", "meshkeeper.zookeeper.outage-tolerance=3s",
                "meshkeeper.discovery.cache-start-timeout=10s", "management.endpoint.health.show-details=always",
                "management.endpoint.health.probes.enabled=true");
        http = RestClient.builder()
                .baseUrl("http://127.0.0.1:" + observer.getEnvironment().getProperty("local.server.port")).build();
    }

    @AfterAll
    static void stop() {
        if (observer != null) {
            observer.close();
        }
        if (provider != null) {
            provider.close();
        }
    }

    @Test
    void discoveryAndHealthAnswerFromMemoryThroughAnOutageAndUnseenServicesLoadWhenItEnds(RegistryHandle registry)
            throws Exception {
        DiscoveryClient discovery = observer.getBean(DiscoveryClient.class);
        ReactiveDiscoveryClient reactive = observer.getBean(ReactiveDiscoveryClient.class);
        await().atMost(Duration.ofSeconds(20)).until(() -> discovery.getInstances(PROVIDER).size() == 1);
        assertThat(reactive.getInstances(PROVIDER).collectList().block(NO_HANG)).hasSize(1);
        assertThat(reactive.getServices().collectList().block(NO_HANG)).contains(PROVIDER, UNSEEN);
        assertThat(health("/actuator/health").status()).isEqualTo(200);

        ZooKeeperConnectionMonitor monitor = observer.getBean(ZooKeeperConnectionMonitor.class);
        registry.stop();
        await().atMost(Duration.ofSeconds(15)).until(() -> !monitor.isConnected());

        assertThat(timed("getServices", discovery::getServices)).contains(PROVIDER, UNSEEN);
        assertThat(timed("getInstances", () -> discovery.getInstances(PROVIDER))).hasSize(1);
        assertThat(timed("reactive getInstances", () -> reactive.getInstances(PROVIDER).collectList().block()))
                .hasSize(1);
        assertThat(timed("reactive getServices", () -> reactive.getServices().collectList().block()))
                .contains(PROVIDER);
        assertThat(timed("first lookup of an unseen service", () -> discovery.getInstances(UNSEEN))).isEmpty();
        Answer during = timed("health", () -> health("/actuator/health"));
        assertThat(during.status()).as("health within the outage tolerance: %s", during.body()).isEqualTo(200);
        assertThat(during.body()).contains("\"discoveryComposite\"", "\"reactiveDiscoveryClients\"", "\"outage\"",
                "\"outageTolerance\"");

        await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(250))
                .untilAsserted(() -> assertThat(timed("health", () -> health("/actuator/health")).status())
                        .as("health past the outage tolerance").isEqualTo(503));
        assertThat(timed("readiness", () -> health("/actuator/health/readiness")).status()).isEqualTo(200);
        assertThat(timed("liveness", () -> health("/actuator/health/liveness")).status()).isEqualTo(200);

        registry.start();
        await().atMost(Duration.ofSeconds(30))
                .untilAsserted(() -> assertThat(discovery.getInstances(UNSEEN)).as("watched once connected")
                        .hasSize(1));
        await().atMost(Duration.ofSeconds(30))
                .untilAsserted(() -> assertThat(health("/actuator/health").status()).isEqualTo(200));
        assertThat(discovery.getInstances(PROVIDER)).hasSize(1);
    }

    @Test
    void livenessAndReadinessGroupsDoNotIncludeZooKeeper() {
        assertThat(health("/actuator/health/readiness").body()).doesNotContain("zookeeper", "discovery");
        assertThat(health("/actuator/health/liveness").body()).doesNotContain("zookeeper", "discovery");
        assertThat(health("/actuator/health").body()).contains("\"zookeeper\"");
    }

    private static Answer health(String path) {
        return http.get().uri(path).exchange((request, response) -> new Answer(response.getStatusCode().value(),
                new String(response.getBody().readAllBytes())));
    }

    private static <T> T timed(String what, Callable<T> call) throws Exception {
        long start = System.nanoTime();
        try {
            return call.call();
        }
        finally {
            Duration took = Duration.ofNanos(System.nanoTime() - start);
            logger.info("{} during the outage took {} ms", what, took.toMillis());
            assertThat(took).as("%s during the outage", what).isLessThan(NO_HANG);
        }
    }

    private record Answer(int status, String body) {
    }
}
