package dev.meshkeeper.samples.inventory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.meshkeeper.registry.junit.EmbeddedRegistry;
import dev.meshkeeper.registry.junit.RegistryHandle;
import dev.meshkeeper.zookeeper.ZooKeeperConnectionMonitor;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * While ZooKeeper is away an inventory instance keeps answering stock queries from its replica of the shared stock,
 * refuses reservations at once (a fenced write: 503, {@code Retry-After: 1}, "ZooKeeper unavailable"), never
 * oversells, and takes reservations again when ZooKeeper is back.
 */
@EmbeddedRegistry(dedicated = true)
@Timeout(180)
class InventoryOutageTests {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    /** Generous: proves a call did not wait for a ZooKeeper retry budget, says nothing about speed. */
    private static final Duration NO_HANG = Duration.ofSeconds(5);

    private static ConfigurableApplicationContext inventory;

    @BeforeAll
    static void start(RegistryHandle registry) {
        inventory = new SpringApplicationBuilder(InventoryServiceApplication.class).run("--server.port=0",
                "--server.address=127.0.0.1", "--spring.cloud.zookeeper.connect-string=" + registry.connectString(),
                "--inventory.initial-stock=50");
    }

    @AfterAll
    static void stop() {
        if (inventory != null) {
            inventory.close();
        }
    }

    @Test
    void stockQueriesAnswerFromMemoryAndReservationsAreRefusedAtOnceUntilZooKeeperReturns(RegistryHandle registry)
            throws Exception {
        HttpResponse<String> before = post("/inventory/OUTAGE-1/reserve?quantity=8");
        assertThat(before.statusCode()).as(before.body()).isEqualTo(200);
        await().atMost(Duration.ofSeconds(10)).untilAsserted(
                () -> assertThat(json(get("/inventory/OUTAGE-1")).get("available").asInt()).isEqualTo(42));

        registry.stop();
        ZooKeeperConnectionMonitor connection = inventory.getBean(ZooKeeperConnectionMonitor.class);
        await().atMost(Duration.ofSeconds(30)).until(() -> !connection.isConnected());

        long started = System.nanoTime();
        HttpResponse<String> stock = get("/inventory/OUTAGE-1");
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(NO_HANG);
        assertThat(stock.statusCode()).isEqualTo(200);
        assertThat(json(stock).get("available").asInt()).isEqualTo(42);

        started = System.nanoTime();
        HttpResponse<String> refused = post("/inventory/OUTAGE-1/reserve?quantity=1");
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(NO_HANG);
        assertThat(refused.statusCode()).as(refused.body()).isEqualTo(503);
        assertThat(refused.headers().firstValue("Retry-After")).hasValue("1");
        assertThat(refused.headers().firstValue("Content-Type"))
                .hasValueSatisfying(type -> assertThat(type).startsWith("application/problem+json"));
        assertThat(json(refused).get("title").asString()).isEqualTo("ZooKeeper unavailable");

        registry.start();
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
            HttpResponse<String> after = post("/inventory/OUTAGE-1/reserve?quantity=2");
            assertThat(after.statusCode()).as(after.body()).isEqualTo(200);
            // the refused reservation took nothing: 42 - 2
            assertThat(json(after).get("remaining").asInt()).isEqualTo(40);
        });
    }

    private static JsonNode json(HttpResponse<String> response) {
        return JSON.readTree(response.body());
    }

    private static HttpResponse<String> get(String path) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(30)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static HttpResponse<String> post(String path) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(30))
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static URI uri(String path) {
        return URI.create("http://127.0.0.1:" + inventory.getEnvironment().getProperty("local.server.port") + path);
    }
}
