package dev.meshkeeper.samples.inventory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.meshkeeper.registry.junit.EmbeddedRegistry;
import dev.meshkeeper.registry.junit.RegistryHandle;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.CuratorFramework;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Two inventory-service instances (separate Spring applications with their own ZooKeeper sessions and web servers)
 * reserving from the same shared stock.
 */
@EmbeddedRegistry(dedicated = true)
@Timeout(180)
class SharedStockReservationTests {

    private static final int INITIAL_STOCK = 60;

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private static ConfigurableApplicationContext first;

    private static ConfigurableApplicationContext second;

    @BeforeAll
    static void startInstances(RegistryHandle registry) {
        first = start(registry.connectString());
        second = start(registry.connectString());
    }

    @AfterAll
    static void stopInstances() {
        for (ConfigurableApplicationContext context : new ConfigurableApplicationContext[] { first, second }) {
            if (context != null) {
                context.close();
            }
        }
    }

    private static ConfigurableApplicationContext start(String connectString) {
        return new SpringApplicationBuilder(InventoryServiceApplication.class).run("--server.port=0",
                "--spring.cloud.zookeeper.connect-string=" + connectString,
                "--inventory.initial-stock=" + INITIAL_STOCK);
    }

    @Test
    void concurrentReservationsThroughBothInstancesNeverOversell() throws Exception {
        String sku = "SKU-" + UUID.randomUUID().toString().substring(0, 8);
        ExecutorService threads = Executors.newFixedThreadPool(8);
        List<Future<List<JsonNode>>> clients = new ArrayList<>();
        for (int client = 0; client < 8; client++) {
            ConfigurableApplicationContext instance = (client % 2 == 0) ? first : second;
            int quantity = 1 + client % 3;
            clients.add(threads.submit(() -> {
                List<JsonNode> granted = new ArrayList<>();
                while (true) {
                    HttpResponse<String> response = post(instance,
                            "/inventory/" + sku + "/reserve?quantity=" + quantity);
                    if (response.statusCode() == 409) {
                        JsonNode problem = JSON.readTree(response.body());
                        if ("Insufficient stock".equals(problem.get("title").asString())) {
                            if (problem.get("available").asInt() < 1) {
                                return granted;
                            }
                            continue;
                        }
                    }
                    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
                    granted.add(JSON.readTree(response.body()));
                }
            }));
        }
        List<JsonNode> granted = new ArrayList<>();
        for (Future<List<JsonNode>> client : clients) {
            granted.addAll(client.get(120, TimeUnit.SECONDS));
        }
        threads.shutdownNow();

        assertThat(granted.stream().mapToInt(reservation -> reservation.get("reserved").asInt()).sum())
                .isEqualTo(INITIAL_STOCK);
        assertThat(granted)
                .allSatisfy(reservation -> assertThat(reservation.get("remaining").asInt()).isNotNegative());
        assertThat(granted.stream().map(reservation -> reservation.get("fencingToken").asLong()).distinct())
                .hasSameSizeAs(granted);
        // In token order, each reservation starts from the stock the previous one left: none read a stale level.
        granted.sort(Comparator.comparingLong(reservation -> reservation.get("fencingToken").asLong()));
        int available = INITIAL_STOCK;
        for (JsonNode reservation : granted) {
            available -= reservation.get("reserved").asInt();
            assertThat(reservation.get("remaining").asInt()).isEqualTo(available);
        }
        assertThat(available).isZero();
        for (ConfigurableApplicationContext instance : List.of(first, second)) {
            assertThat(JSON.readTree(get(instance, "/inventory/" + sku).body()).get("available").asInt()).isZero();
        }
    }

    @Test
    void bothInstancesReportTheSameSharedStockAndShortStockIsAConflict() throws Exception {
        String sku = "SKU-" + UUID.randomUUID().toString().substring(0, 8);
        assertThat(JSON.readTree(get(second, "/inventory/" + sku).body()).get("available").asInt())
                .isEqualTo(INITIAL_STOCK);

        HttpResponse<String> reserved = post(first, "/inventory/" + sku + "/reserve?quantity=25");
        assertThat(reserved.statusCode()).as(reserved.body()).isEqualTo(200);
        JsonNode reservation = JSON.readTree(reserved.body());
        assertThat(reservation.get("sku").asString()).isEqualTo(sku);
        assertThat(reservation.get("reserved").asInt()).isEqualTo(25);
        assertThat(reservation.get("remaining").asInt()).isEqualTo(INITIAL_STOCK - 25);
        // the other instance answers from its replica, which the watch brings up to date within milliseconds
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(
                JSON.readTree(get(second, "/inventory/" + sku).body()).get("available").asInt())
                .isEqualTo(INITIAL_STOCK - 25));

        HttpResponse<String> refused = post(second, "/inventory/" + sku + "/reserve?quantity=40");
        assertThat(refused.statusCode()).isEqualTo(409);
        assertThat(refused.headers().firstValue("Content-Type")).hasValueSatisfying(
                type -> assertThat(type).startsWith("application/problem+json"));
        assertThat(refused.body()).contains("only " + (INITIAL_STOCK - 25) + " available");

        HttpResponse<String> next = post(second, "/inventory/" + sku + "/reserve?quantity=5");
        assertThat(JSON.readTree(next.body()).get("fencingToken").asLong())
                .isGreaterThan(reservation.get("fencingToken").asLong());
        String stored = new String(first.getBean(CuratorFramework.class).getData()
                .forPath("/meshkeeper/data/inventory-stock/" + sku), StandardCharsets.UTF_8);
        assertThat(JSON.readTree(stored).get("fencingToken").asLong())
                .isEqualTo(JSON.readTree(next.body()).get("fencingToken").asLong());
        assertThat(JSON.readTree(stored).get("available").asInt()).isEqualTo(INITIAL_STOCK - 30);
    }

    @Test
    void aStockQueryForANewSkuAnswersTheInitialStockWithoutWritingAnything() throws Exception {
        String sku = "SKU-" + UUID.randomUUID().toString().substring(0, 8);
        HttpResponse<String> answer = get(first, "/inventory/" + sku);
        assertThat(answer.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(answer.body()).get("available").asInt()).isEqualTo(INITIAL_STOCK);
        assertThat(first.getBean(CuratorFramework.class).checkExists()
                .forPath("/meshkeeper/data/inventory-stock/" + sku)).isNull();
    }

    @Test
    void aStockChangeWrittenDirectlyInZooKeeperShowsInEveryInstance() throws Exception {
        String sku = "SKU-" + UUID.randomUUID().toString().substring(0, 8);
        // as an operator would with ZooKeeper's CLI or the registry's data API
        first.getBean(CuratorFramework.class).create().creatingParentContainersIfNeeded()
                .forPath("/meshkeeper/data/inventory-stock/" + sku,
                        "{\"available\":7,\"fencingToken\":0}".getBytes(StandardCharsets.UTF_8));
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            assertThat(JSON.readTree(get(first, "/inventory/" + sku).body()).get("available").asInt()).isEqualTo(7);
            assertThat(JSON.readTree(get(second, "/inventory/" + sku).body()).get("available").asInt())
                    .isEqualTo(7);
        });
        HttpResponse<String> reserved = post(second, "/inventory/" + sku + "/reserve?quantity=2");
        assertThat(reserved.statusCode()).as(reserved.body()).isEqualTo(200);
        assertThat(JSON.readTree(reserved.body()).get("remaining").asInt()).isEqualTo(5);
    }

    private static int port(ConfigurableApplicationContext context) {
        return context.getEnvironment().getRequiredProperty("local.server.port", Integer.class);
    }

    private static HttpResponse<String> get(ConfigurableApplicationContext context, String path) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port(context) + path))
                .timeout(Duration.ofSeconds(15)).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    private static HttpResponse<String> post(ConfigurableApplicationContext context, String path) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port(context) + path))
                .timeout(Duration.ofSeconds(15)).POST(HttpRequest.BodyPublishers.noBody()).build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
