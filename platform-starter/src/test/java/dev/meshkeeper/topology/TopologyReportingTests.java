package dev.meshkeeper.topology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.awaitility.Awaitility.await;

import dev.meshkeeper.discovery.InstanceRegistration;
import dev.meshkeeper.registry.junit.EmbeddedRegistry;
import dev.meshkeeper.registry.junit.RegistryHandle;
import dev.meshkeeper.testapps.MeshApps;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.RetryOneTime;
import org.apache.zookeeper.data.Stat;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.springframework.boot.WebApplicationType;
import org.springframework.cloud.client.discovery.DiscoveryClient;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.http.ResponseEntity;
import org.springframework.web.client.RestClient;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A caller and a provider, both registered: after calls flow, the caller's ephemeral topology node holds the calls
 * to the provider, the provider's holds what it served, and a steady instance stops writing.
 */
@EmbeddedRegistry
@Timeout(180)
class TopologyReportingTests {

    private static final String PROVIDER = "topology-provider";

    private static final String CALLER = "topology-caller";

    private static final List<ConfigurableApplicationContext> contexts = new ArrayList<>();

    private static ConfigurableApplicationContext provider;

    private static ConfigurableApplicationContext caller;

    private static CuratorFramework reader;

    @BeforeAll
    static void start(RegistryHandle registry) {
        provider = run(MeshApps.providerApp(registry.connectString(), PROVIDER));
        caller = run(MeshApps.consumerApp(registry.connectString(), CALLER).web(WebApplicationType.SERVLET));
        reader = CuratorFrameworkFactory.newClient(registry.connectString(), new RetryOneTime(100));
        reader.start();
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(
                caller.getBean(DiscoveryClient.class).getInstances(PROVIDER)).hasSize(1));
    }

    @AfterAll
    static void stop() {
        if (reader != null) {
            reader.close();
        }
        contexts.forEach(ConfigurableApplicationContext::close);
    }

    @Test
    void callsThroughTheBalancerAppearInTheCallersEphemeralNodeAndServedRequestsInTheProviders() throws Exception {
        RestClient client = caller.getBean(RestClient.Builder.class).build();
        for (int i = 0; i < 30; i++) {
            ResponseEntity<String> response = client.get().uri("http://" + PROVIDER + (i % 10 == 0 ? "/fail" : "/work"))
                    .retrieve().onStatus((status) -> true, (request, answer) -> { }).toEntity(String.class);
            assertThat(response.getStatusCode().value()).isIn(200, 500);
        }
        String callerPath = "/meshkeeper/topology/" + CALLER + "/" + id(caller);
        await().atMost(Duration.ofSeconds(20)).ignoreExceptions().untilAsserted(() -> {
            JsonNode call = read(callerPath).get("calls").get(PROVIDER);
            // 30 calls in the last 60 s, 3 of them failed; within the tolerance below which nothing is rewritten
            assertThat(call.get("callsPerSecond").asDouble()).isCloseTo(0.5, within(0.05));
            assertThat(call.get("errorRate").asDouble()).isCloseTo(0.1, within(0.02));
            assertThat(call.get("p99Millis").asDouble()).isPositive();
        });
        Stat stat = reader.checkExists().forPath(callerPath);
        assertThat(stat.getEphemeralOwner()).isEqualTo(
                caller.getBean(CuratorFramework.class).getZookeeperClient().getZooKeeper().getSessionId());
        JsonNode callerNode = read(callerPath);
        assertThat(callerNode.get("service").asString()).isEqualTo(CALLER);
        assertThat(callerNode.get("status").asString()).isEqualTo("UP");

        String providerPath = "/meshkeeper/topology/" + PROVIDER + "/" + id(provider);
        await().atMost(Duration.ofSeconds(20)).ignoreExceptions().untilAsserted(() -> {
            JsonNode served = read(providerPath).get("served");
            assertThat(served.get("callsPerSecond").asDouble()).isCloseTo(0.5, within(0.05));
            assertThat(served.get("errorRate").asDouble()).isCloseTo(0.1, within(0.02));
        });
        assertThat(read(providerPath).get("calls").isEmpty()).isTrue();

        // nothing moves any more: no further writes
        int version = reader.checkExists().forPath(callerPath).getVersion();
        await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(4))
                .until(() -> reader.checkExists().forPath(callerPath).getVersion() == version);
    }

    private static JsonNode read(String path) throws Exception {
        return JsonMapper.builder().build().readTree(new String(reader.getData().forPath(path), StandardCharsets.UTF_8));
    }

    private static String id(ConfigurableApplicationContext context) {
        return context.getBean(InstanceRegistration.class).instanceId();
    }

    /** Both the provider and the caller are registered web applications. */
    private static ConfigurableApplicationContext run(MeshApps.MeshApp application) {
        ConfigurableApplicationContext context = application.run("--spring.cloud.loadbalancer.cache.enabled=false",
                "--meshkeeper.traffic.retry.enabled=false", "--meshkeeper.traffic.circuit-breaker.enabled=false",
                "--meshkeeper.loadbalancer.outlier-ejection.enabled=false", "--meshkeeper.topology.interval=200ms",
                // No published load: on a busy machine the process CPU moves it, and every move is a new report.
                "--meshkeeper.load.enabled=false");
        contexts.add(context);
        return context;
    }
}
