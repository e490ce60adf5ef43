package dev.meshkeeper.registry.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.meshkeeper.registry.RegistryServerApplication;
import dev.meshkeeper.registry.TestRegistryProperties;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Iterator;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.curator.framework.CuratorFramework;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;

/**
 * {@code GET /api/v1/topology} and the instance history over topology nodes written the way the starter writes them
 * (ephemeral, one per instance), next to registrations in Spring Cloud Zookeeper's format, on the registry's real
 * ZooKeeper.
 */
@SpringBootTest(classes = RegistryServerApplication.class, webEnvironment = WebEnvironment.RANDOM_PORT,
        properties = { "meshkeeper.registry.topology.sample-interval=200ms",
                "meshkeeper.registry.topology.event-interval=200ms" })
@Timeout(120)
class TopologyApiIntegrationTests {

    @TempDir
    static Path dataDir;

    @DynamicPropertySource
    static void registry(DynamicPropertyRegistry registry) {
        TestRegistryProperties.server(registry, () -> 0, dataDir);
        TestRegistryProperties.user(registry, "vic", "viewer");
        TestRegistryProperties.user(registry, "olga", "operator");
    }

    @LocalServerPort
    int httpPort;

    @Autowired
    CuratorFramework curator;

    private ApiClient viewer;

    private ApiClient operator;

    private RegistryNodes nodes;

    @BeforeEach
    void clients() {
        this.viewer = ApiClient.as("vic", this.httpPort).acceptingJson();
        this.operator = ApiClient.as("olga", this.httpPort);
        this.nodes = RegistryNodes.on(this.curator);
    }

    @Test
    void reportedCallsBecomeEdgesBetweenServicesWithSummedRatesAndRateWeightedErrors() throws Exception {
        register("shop", "shop-1");
        register("shop", "shop-2");
        register("stock", "stock-1");
        report("shop", "shop-1", "{\"service\":\"shop\",\"instance\":\"shop-1\",\"status\":\"UP\",\"inFlight\":1,"
                + "\"load\":0.1,\"calls\":{\"stock\":{\"callsPerSecond\":3.0,\"errorRate\":0.0,\"p99Millis\":12.5}}}");
        report("shop", "shop-2", "{\"service\":\"shop\",\"instance\":\"shop-2\",\"status\":\"UP\",\"inFlight\":0,"
                + "\"calls\":{\"stock\":{\"callsPerSecond\":1.0,\"errorRate\":0.4,\"p99Millis\":40.0},"
                + "\"payments\":{\"callsPerSecond\":0.5,\"errorRate\":1.0}}}");

        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            JsonNode topology = body(get("/api/v1/topology"), 200);
            JsonNode edge = edge(topology, "shop", "stock");
            assertThat(edge).as(topology.toString()).isNotNull();
            assertThat(edge.get("callsPerSecond").asDouble()).isEqualTo(4.0);
            assertThat(edge.get("errorRate").asDouble()).isEqualTo(0.1);
            assertThat(edge.get("p99Millis").asDouble()).isEqualTo(40.0);
            assertThat(edge(topology, "shop", "payments").get("errorRate").asDouble()).isEqualTo(1.0);
            assertThat(node(topology, "shop").get("instances").asInt()).isEqualTo(2);
            assertThat(node(topology, "shop").get("up").asInt()).isEqualTo(2);
            assertThat(node(topology, "stock").get("instances").asInt()).isEqualTo(1);
            assertThat(node(topology, "payments").get("instances").asInt()).as("called, never registered").isZero();
        });

        // an instance that goes away takes its calls with it (its node is ephemeral)
        this.curator.delete().forPath("/meshkeeper/topology/shop/shop-2");
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            JsonNode topology = body(get("/api/v1/topology"), 200);
            assertThat(edge(topology, "shop", "stock").get("callsPerSecond").asDouble()).isEqualTo(3.0);
            assertThat(edge(topology, "shop", "payments")).isNull();
        });
    }

    @Test
    void historyKeepsSampledLoadInFlightLatencyAndRegistrationStatusAndRefusesMoreThanAnHour() throws Exception {
        register("ledger", "ledger-1");
        report("ledger", "ledger-1", "{\"service\":\"ledger\",\"instance\":\"ledger-1\",\"status\":\"UP\","
                + "\"inFlight\":4,\"load\":0.25,\"served\":{\"callsPerSecond\":2.0,\"errorRate\":0.0,"
                + "\"p99Millis\":8.0},\"calls\":{}}");
        Instant before = Instant.now().minusSeconds(1);
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            JsonNode history = body(get("/api/v1/services/ledger/instances/ledger-1/history"), 200);
            assertThat(history.get("service").asString()).isEqualTo("ledger");
            assertThat(history.get("instance").asString()).isEqualTo("ledger-1");
            // The registry samples on its own interval: until the first sample there are no points yet.
            assertThat(history.get("points").size()).isPositive();
            JsonNode point = history.get("points").get(history.get("points").size() - 1);
            assertThat(point.get("load").asDouble()).isEqualTo(0.25);
            assertThat(point.get("inFlight").asInt()).isEqualTo(4);
            assertThat(point.get("p99Millis").asDouble()).isEqualTo(8.0);
            assertThat(point.get("status").asString()).isEqualTo("UP");
            assertThat(Instant.parse(point.get("at").asString())).isAfterOrEqualTo(before.minusSeconds(1));
        });

        // taken out of service by an operator: the registration's status is what the history shows
        setStatus("ledger", "ledger-1", "OUT_OF_SERVICE");
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            JsonNode points = body(get("/api/v1/services/ledger/instances/ledger-1/history?minutes=60"), 200)
                    .get("points");
            assertThat(points.get(points.size() - 1).get("status").asString()).isEqualTo("OUT_OF_SERVICE");
        });

        HttpResponse<String> tooLong = get("/api/v1/services/ledger/instances/ledger-1/history?minutes=61");
        JsonNode problem = body(tooLong, 400);
        assertThat(problem.get("field").asString()).isEqualTo("minutes");
        assertThat(problem.get("detail").asString()).contains("61").contains("at most 60 minutes");
        assertThat(tooLong.headers().firstValue("Content-Type")).hasValueSatisfying(
                (type) -> assertThat(type).startsWith("application/problem+json"));
        body(get("/api/v1/services/ledger/instances/ledger-1/history?minutes=0"), 400);
        body(get("/api/v1/services/ledger/instances/nobody/history"), 404);
    }

    @Test
    void aTopologyEventGoesOutWhenTopologyNodesChange() throws Exception {
        HttpRequest request = HttpRequest.newBuilder(this.viewer.uri("/api/v1/events"))
                .header("Accept", "text/event-stream").header("Authorization", ApiClient.basic("vic")).GET().build();
        HttpResponse<Stream<String>> stream = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build()
                .send(request, HttpResponse.BodyHandlers.ofLines());
        assertThat(stream.statusCode()).isEqualTo(200);
        Iterator<String> lines = stream.body().iterator();
        assertThat(lines.next()).isEqualTo("event:open");
        assertThat(lines.next()).contains("\"topology\"");
        // read on a thread of its own: the stream stays open (the server completes it when the context closes)
        CompletableFuture<Boolean> seen = CompletableFuture.supplyAsync(() -> {
            while (lines.hasNext()) {
                if (lines.next().equals("event:topology")) {
                    return true;
                }
            }
            return false;
        });
        report("events", "events-1", "{\"service\":\"events\",\"instance\":\"events-1\",\"status\":\"UP\","
                + "\"inFlight\":0,\"calls\":{}}");
        assertThat(seen.get(10, TimeUnit.SECONDS)).isTrue();
    }

    private void register(String service, String id) throws Exception {
        this.nodes.register(service, id);
    }

    private void report(String service, String id, String report) throws Exception {
        this.nodes.report(service, id, report);
    }

    private void setStatus(String service, String id, String status) throws Exception {
        HttpResponse<String> response = this.operator.send("PUT",
                "/api/v1/services/" + service + "/instances/" + id + "/status", "{\"status\":\"" + status + "\"}",
                null);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    }

    private static JsonNode edge(JsonNode topology, String from, String to) {
        for (JsonNode edge : topology.get("edges")) {
            if (edge.get("from").asString().equals(from) && edge.get("to").asString().equals(to)) {
                return edge;
            }
        }
        return null;
    }

    private static JsonNode node(JsonNode topology, String service) {
        for (JsonNode node : topology.get("nodes")) {
            if (node.get("service").asString().equals(service)) {
                return node;
            }
        }
        throw new AssertionError("no node " + service + " in " + topology);
    }

    private HttpResponse<String> get(String path) throws Exception {
        return this.viewer.get(path);
    }

    private JsonNode body(HttpResponse<String> response, int status) {
        return ApiClient.body(response, status);
    }
}
