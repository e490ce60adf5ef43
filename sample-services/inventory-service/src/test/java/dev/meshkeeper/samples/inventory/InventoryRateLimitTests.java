package dev.meshkeeper.samples.inventory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.meshkeeper.registry.junit.EmbeddedRegistry;
import dev.meshkeeper.registry.junit.RegistryHandle;
import dev.meshkeeper.traffic.ClusterRateLimits;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.ExponentialBackoffRetry;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The cluster-wide rate limit on {@code GET /inventory/{sku}}, driven by {@code inventory.rate-limit} in ZooKeeper
 * config: real inventory-service applications (their own ZooKeeper sessions and web servers) and a test's own
 * Curator client writing {@code /config/inventory-service/inventory/rate-limit}, as an operator would.
 */
@EmbeddedRegistry(dedicated = true)
@Timeout(240)
class InventoryRateLimitTests {

    private static final String RATE_LIMIT = "/config/inventory-service/inventory/rate-limit";

    private static final String LIMIT = InventoryController.READS_LIMIT;

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private static final List<ConfigurableApplicationContext> instances = new ArrayList<>();

    private static String connectString;

    private static CuratorFramework curator;

    @BeforeAll
    static void startOneInstance(RegistryHandle registry) throws Exception {
        connectString = registry.connectString();
        curator = CuratorFrameworkFactory.newClient(connectString, new ExponentialBackoffRetry(200, 5));
        curator.start();
        curator.blockUntilConnected(30, TimeUnit.SECONDS);
        instances.add(startInventory());
    }

    @AfterAll
    static void stopInstances() {
        instances.forEach(ConfigurableApplicationContext::close);
        if (curator != null) {
            curator.close();
        }
    }

    /** Every test starts from one instance with the rate unset, whatever an earlier test wrote or started. */
    @BeforeEach
    void oneInstanceWithTheRateUnset() throws Exception {
        while (instances.size() > 1) {
            instances.remove(instances.size() - 1).close();
        }
        if (curator.checkExists().forPath(RATE_LIMIT) != null) {
            curator.delete().forPath(RATE_LIMIT);
        }
        awaitLocalRate(Double.POSITIVE_INFINITY, instances);
    }

    @Test
    void stockQueriesAreUnlimitedWhileTheRateIsUnset() throws Exception {
        assertThat(localRate(instances.get(0))).isEqualTo(Double.POSITIVE_INFINITY);
        for (int i = 0; i < 40; i++) {
            assertThat(get(instances.get(0), "/inventory/SKU-RL").statusCode()).isEqualTo(200);
        }
    }

    @Test
    void writingTheRateInZooKeeperTurnsTheLimitOnLiveWith429sAndRetryAfter() throws Exception {
        write(RATE_LIMIT, "2");
        awaitLocalRate(2.0, instances);

        HttpResponse<String> rejected = null;
        int admitted = 0;
        for (int i = 0; i < 40 && rejected == null; i++) {
            HttpResponse<String> response = get(instances.get(0), "/inventory/SKU-RL");
            if (response.statusCode() == 429) {
                rejected = response;
            }
            else {
                assertThat(response.statusCode()).isEqualTo(200);
                admitted++;
            }
        }
        assertThat(rejected).as("a 429 within 40 back-to-back queries at 2 per second").isNotNull();
        assertThat(admitted).as("the burst (one second's worth) is admitted first").isPositive();
        assertThat(rejected.headers().firstValue("Retry-After")).hasValueSatisfying(
                (seconds) -> assertThat(Long.parseLong(seconds)).isPositive());
        assertThat(rejected.headers().firstValue("Content-Type")).hasValueSatisfying(
                (type) -> assertThat(type).startsWith("application/problem+json"));
        JsonNode problem = JSON.readTree(rejected.body());
        assertThat(problem.get("status").asInt()).isEqualTo(429);
        assertThat(problem.get("limit").asString()).isEqualTo(LIMIT);
        assertThat(problem.get("instance").asString()).isEqualTo("/inventory/SKU-RL");
    }

    @Test
    void aSecondInstanceTakesHalfOfTheServiceRateAndItsShareReturnsWhenItLeaves() throws Exception {
        write(RATE_LIMIT, "8");
        awaitLocalRate(8.0, instances);

        instances.add(startInventory());
        awaitLocalRate(4.0, instances);

        instances.remove(1).close();
        awaitLocalRate(8.0, instances);
    }

    @Test
    void removingTheRateGoesBackToUnlimited() throws Exception {
        write(RATE_LIMIT, "1");
        awaitLocalRate(1.0, instances);

        curator.delete().forPath(RATE_LIMIT);

        awaitLocalRate(Double.POSITIVE_INFINITY, instances);
        for (int i = 0; i < 40; i++) {
            assertThat(get(instances.get(0), "/inventory/SKU-RL").statusCode()).isEqualTo(200);
        }
    }

    @Test
    void blankingTheRateGoesBackToUnlimited() throws Exception {
        write(RATE_LIMIT, "1");
        awaitLocalRate(1.0, instances);

        write(RATE_LIMIT, "");

        awaitLocalRate(Double.POSITIVE_INFINITY, instances);
        for (int i = 0; i < 40; i++) {
            assertThat(get(instances.get(0), "/inventory/SKU-RL").statusCode()).isEqualTo(200);
        }
    }

    /** An inventory-service instance on a random port, with the module's {@code application.properties}. */
    private static ConfigurableApplicationContext startInventory() {
        return new SpringApplicationBuilder(InventoryServiceApplication.class).run("--server.port=0",
                "--spring.cloud.zookeeper.connect-string=" + connectString, "--spring.main.banner-mode=off");
    }

    private static double localRate(ConfigurableApplicationContext instance) {
        return instance.getBean(ClusterRateLimits.class).localRate(LIMIT);
    }

    private static void awaitLocalRate(double expected, List<ConfigurableApplicationContext> apps) {
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertThat(apps).allSatisfy((app) -> {
            if (Double.isInfinite(expected)) {
                assertThat(localRate(app)).isEqualTo(expected);
            }
            else {
                assertThat(localRate(app)).isCloseTo(expected, Offset.offset(0.001));
            }
        }));
    }

    private static HttpResponse<String> get(ConfigurableApplicationContext instance, String path) throws Exception {
        String port = instance.getEnvironment().getProperty("local.server.port");
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
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
}
