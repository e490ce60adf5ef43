package dev.meshkeeper.loadbalancer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.meshkeeper.registry.junit.EmbeddedRegistry;
import dev.meshkeeper.registry.junit.RegistryHandle;
import dev.meshkeeper.testapps.MeshApps;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.ExponentialBackoffRetry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.WebApplicationType;
import org.springframework.cloud.client.ServiceInstance;
import org.springframework.cloud.client.loadbalancer.DefaultRequest;
import org.springframework.cloud.client.loadbalancer.LoadBalanced;
import org.springframework.cloud.client.loadbalancer.Response;
import org.springframework.cloud.client.loadbalancer.reactive.ReactiveLoadBalancer;
import org.springframework.cloud.loadbalancer.support.LoadBalancerClientFactory;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.client.RestClient;
import reactor.core.publisher.Mono;

/**
 * Providers of two versions registered in the embedded ZooKeeper, and a consumer whose version split is read from
 * ZooKeeper config and changed there live.
 */
@EmbeddedRegistry
@Timeout(180)
class VersionSplitEndToEndTests {

    private static final Logger logger = LoggerFactory.getLogger(VersionSplitEndToEndTests.class);

    private static final String BASE_SPLIT = "v1=90,v2=10";

    private static final AtomicInteger generations = new AtomicInteger();

    private static final String SERVICE = "lb-split-provider";

    private static final String CONSUMER = "lb-split-consumer";

    private static final String SPLIT = "/config/" + CONSUMER + "/meshkeeper/loadbalancer/clients/" + SERVICE
            + "/version-split";

    private static final List<ConfigurableApplicationContext> apps = new ArrayList<>();

    private static ConfigurableApplicationContext consumer;

    private static CuratorFramework curator;

    private static final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @BeforeAll
    static void startApplications(RegistryHandle registry) throws Exception {
        curator = CuratorFrameworkFactory.newClient(registry.connectString(), new ExponentialBackoffRetry(200, 5));
        curator.start();
        curator.blockUntilConnected(30, TimeUnit.SECONDS);
        write(SPLIT, BASE_SPLIT);
        apps.add(provider(registry, "v1"));
        apps.add(provider(registry, "v1"));
        apps.add(provider(registry, "v2"));
        consumer = MeshApps.consumerApp(registry.connectString(), CONSUMER).with(Relay.class)
                .web(WebApplicationType.SERVLET).run("--spring.cloud.zookeeper.discovery.register=false",
                        "--spring.cloud.loadbalancer.cache.enabled=false");
        apps.add(consumer);
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertThat(choices(30)).containsKeys("v1", "v2"));
    }

    @AfterAll
    static void stopApplications() {
        apps.forEach(ConfigurableApplicationContext::close);
        if (curator != null) {
            curator.close();
        }
    }

    /** Every test starts from the base split in effect, whatever an earlier test wrote. */
    @BeforeEach
    void baseSplitInEffect() throws Exception {
        write(SPLIT, BASE_SPLIT);
        awaitRefreshed();
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(choices(200)).containsKeys("v1", "v2"));
    }

    @Test
    void splitOfNinetyToTenLandsWithinThreePercentagePoints() {
        int calls = 4000;
        Map<String, Integer> versions = choices(calls);
        double v2Share = 100.0 * versions.getOrDefault("v2", 0) / calls;
        logger.info("Version split v1=90,v2=10 over {} choices: v2 got {} % ({})", calls,
                String.format("%.2f", v2Share), versions);
        assertThat(versions.keySet()).containsOnly("v1", "v2");
        assertThat(v2Share).isBetween(7.0, 13.0);
    }

    @Test
    void headerPinsEveryCallToItsVersion() {
        RestClient client = consumer.getBean(RestClient.Builder.class).build();
        for (int i = 0; i < 60; i++) {
            assertThat(client.get().uri("http://" + SERVICE + "/version").header("X-Meshkeeper-Version", "v2")
                    .retrieve().body(String.class)).isEqualTo("v2");
        }
    }

    @Test
    void pinOfAnIncomingRequestIsPropagatedToItsOutgoingCalls() throws Exception {
        String port = consumer.getEnvironment().getProperty("local.server.port");
        for (int i = 0; i < 40; i++) {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + port + "/relay")).header("X-Meshkeeper-Version", "v2")
                    .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(response.body()).isEqualTo("v2");
        }
        Map<String, Integer> unpinned = new HashMap<>();
        for (int i = 0; i < 200; i++) {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + port + "/relay")).timeout(Duration.ofSeconds(10)).build(),
                    HttpResponse.BodyHandlers.ofString());
            unpinned.merge(response.body(), 1, Integer::sum);
        }
        assertThat(unpinned.get("v1")).as("unpinned requests follow the split").isGreaterThan(150);
    }

    @Test
    void splitChangedInZooKeeperTakesEffectAndAnUnparsableOneKeepsTheLastGoodSplit() throws Exception {
        write(SPLIT, "v1=0,v2=100");
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(choices(100)).containsOnlyKeys("v2"));
        write(SPLIT, "v1=ninety");
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(consumer.getEnvironment()
                .getProperty("meshkeeper.loadbalancer.clients." + SERVICE + ".version-split")).isEqualTo("v1=ninety"));
        awaitRefreshed();
        assertThat(choices(300)).containsOnlyKeys("v2");
    }

    @Test
    void splitNamingAVersionWithoutInstancesFallsBackToTheOthers() throws Exception {
        write(SPLIT, "v1=50,v3=50");
        awaitRefreshed();
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(choices(300)).containsOnlyKeys("v1"));
    }

    private static Map<String, Integer> choices(int count) {
        ReactiveLoadBalancer<ServiceInstance> balancer = consumer.getBean(LoadBalancerClientFactory.class)
                .getInstance(SERVICE);
        Map<String, Integer> versions = new HashMap<>();
        for (int i = 0; i < count; i++) {
            Response<ServiceInstance> response = Mono.from(balancer.choose(new DefaultRequest<>())).block();
            String version = (response != null && response.hasServer())
                    ? response.getServer().getMetadata().get("version") : "none";
            versions.merge(version, 1, Integer::sum);
        }
        return versions;
    }

    /** Waits until a probe key written after every change so far has reached the consumer. */
    private static void awaitRefreshed() throws Exception {
        String generation = Integer.toString(generations.incrementAndGet());
        write("/config/" + CONSUMER + "/refresh-probe", generation);
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(
                consumer.getEnvironment().getProperty("refresh-probe")).isEqualTo(generation));
    }

    private static ConfigurableApplicationContext provider(RegistryHandle registry, String version) {
        return MeshApps.providerApp(registry.connectString(), SERVICE).run("--meshkeeper.discovery.version=" + version);
    }

    private static void write(String path, String value) throws Exception {
        byte[] data = value.getBytes(StandardCharsets.UTF_8);
        if (curator.checkExists().forPath(path) == null) {
            curator.create().creatingParentsIfNeeded().forPath(path, data);
        }
        else {
            curator.setData().forPath(path, data);
        }
    }

    /** {@code GET /relay}: the consumer calls the provider's {@code /version} through its balancer. */
    @RestController
    static class Relay {

        private final RestClient client;

        Relay(@LoadBalanced RestClient.Builder builder) {
            this.client = builder.build();
        }

        @GetMapping("/relay")
        String relay() {
            return this.client.get().uri("http://" + SERVICE + "/version").retrieve().body(String.class);
        }
    }
}
