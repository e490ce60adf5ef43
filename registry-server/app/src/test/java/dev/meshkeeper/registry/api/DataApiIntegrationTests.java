package dev.meshkeeper.registry.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.meshkeeper.registry.RegistryServerApplication;
import dev.meshkeeper.registry.TestRegistryProperties;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.curator.framework.CuratorFramework;
import org.junit.jupiter.api.AfterEach;
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

@SpringBootTest(classes = RegistryServerApplication.class, webEnvironment = WebEnvironment.RANDOM_PORT)
@Timeout(120)
class DataApiIntegrationTests {

    private static final String ROOT = "/meshkeeper/data";

    @TempDir
    static Path dataDir;

    @DynamicPropertySource
    static void registry(DynamicPropertyRegistry registry) {
        TestRegistryProperties.server(registry, () -> 0, dataDir);
        registry.add("meshkeeper.registry.data.max-value-size", () -> "1KB");
        TestRegistryProperties.user(registry, "olga", "operator");
        TestRegistryProperties.user(registry, "vic", "viewer");
    }

    @LocalServerPort
    int httpPort;

    @Autowired
    CuratorFramework curator;

    @Autowired
    DataApiProperties properties;

    private ApiClient api;

    @BeforeEach
    void client() {
        this.api = ApiClient.as("olga", this.httpPort).acceptingJson();
    }

    @AfterEach
    void resetProperties() {
        this.properties.setRequireIfMatch(false);
        this.properties.setMaxEntries(10_000);
    }

    @Test
    void valuesAndCountersAreStoredAsExactlyTheirJsonAndReadBackWithTheirVersion() throws Exception {
        HttpResponse<String> created = put("/api/v1/data/feature-flags", "{ \"checkout\" : true, \"ratio\": 1.50 }",
                null);
        assertThat(created.statusCode()).as(created.body()).isEqualTo(200);
        assertThat(created.headers().firstValue("ETag")).hasValue("\"0\"");
        assertThat(znode(ROOT + "/feature-flags")).isEqualTo("{\"checkout\":true,\"ratio\":1.50}");

        HttpResponse<String> updated = put("/api/v1/data/feature-flags", "{\"checkout\":false}", "\"0\"");
        assertThat(updated.statusCode()).as(updated.body()).isEqualTo(200);
        assertThat(updated.headers().firstValue("ETag")).hasValue("\"1\"");

        HttpResponse<String> read = get("/api/v1/data/feature-flags");
        assertThat(read.headers().firstValue("ETag")).hasValue("\"1\"");
        JsonNode value = body(read, 200);
        assertThat(value.get("name").asString()).isEqualTo("feature-flags");
        assertThat(value.get("kind").asString()).isEqualTo("value");
        assertThat(value.get("version").asInt()).isEqualTo(1);
        assertThat(value.get("value").get("checkout").asBoolean()).isFalse();
        assertThat(value.has("problem")).isFalse();

        assertThat(put("/api/v1/data/orders-placed", "42", null).statusCode()).isEqualTo(200);
        assertThat(znode(ROOT + "/orders-placed")).isEqualTo("42");
        JsonNode counter = body(get("/api/v1/data/orders-placed"), 200);
        assertThat(counter.get("kind").asString()).isEqualTo("counter");
        assertThat(counter.get("value").asLong()).isEqualTo(42);
        assertThat(put("/api/v1/data/orders-placed", "43", "\"0\"").statusCode()).isEqualTo(200);
        assertThat(znode(ROOT + "/orders-placed")).isEqualTo("43");

        JsonNode list = body(get("/api/v1/data"), 200);
        assertThat(find(list, "feature-flags").get("kind").asString()).isEqualTo("value");
        assertThat(find(list, "feature-flags").get("entries").asInt()).isEqualTo(1);
        assertThat(find(list, "orders-placed").get("kind").asString()).isEqualTo("counter");

        JsonNode audit = body(get("/api/v1/audit?limit=10"), 200).get("entries");
        assertThat(audit.findValuesAsString("summary")).contains("update counter orders-placed (version 1)",
                "create value feature-flags (version 0)");
        assertThat(audit.findValuesAsString("who")).contains("olga");

        assertThat(delete("/api/v1/data/feature-flags", "\"1\"").statusCode()).isEqualTo(204);
        assertThat(this.curator.checkExists().forPath(ROOT + "/feature-flags")).isNull();
        assertProblem(get("/api/v1/data/feature-flags"), 404, "name");
    }

    @Test
    void mapEntriesAreChildZnodesListedWithTheirOwnVersions() throws Exception {
        HttpResponse<String> first = put("/api/v1/data/inventory-stock/sku-1", "{\"available\":5}", null);
        assertThat(first.statusCode()).as(first.body()).isEqualTo(200);
        assertThat(first.headers().firstValue("ETag")).hasValue("\"0\"");
        assertThat(znode(ROOT + "/inventory-stock")).isEqualTo("{\"kind\":\"map\"}");
        assertThat(znode(ROOT + "/inventory-stock/sku-1")).isEqualTo("{\"available\":5}");
        assertThat(put("/api/v1/data/inventory-stock/sku-2", "{\"available\":9}", null).statusCode()).isEqualTo(200);
        assertThat(put("/api/v1/data/inventory-stock/sku-1", "{\"available\":4}", "\"0\"").statusCode())
                .isEqualTo(200);

        HttpResponse<String> read = get("/api/v1/data/inventory-stock");
        JsonNode map = body(read, 200);
        assertThat(map.get("kind").asString()).isEqualTo("map");
        assertThat(map.get("entries").findValuesAsString("key")).containsExactly("sku-1", "sku-2");
        assertThat(map.get("entries").get(0).get("version").asInt()).isEqualTo(1);
        assertThat(map.get("entries").get(0).get("value").get("available").asInt()).isEqualTo(4);
        assertThat(map.get("entries").get(1).get("version").asInt()).isEqualTo(0);
        JsonNode summary = find(body(get("/api/v1/data"), 200), "inventory-stock");
        assertThat(summary.get("kind").asString()).isEqualTo("map");
        assertThat(summary.get("entries").asInt()).isEqualTo(2);

        HttpResponse<String> entry = get("/api/v1/data/inventory-stock/sku-2");
        assertThat(entry.headers().firstValue("ETag")).hasValue("\"0\"");
        assertThat(body(entry, 200).get("value").get("available").asInt()).isEqualTo(9);
        assertThat(delete("/api/v1/data/inventory-stock/sku-2", "\"0\"").statusCode()).isEqualTo(204);
        assertThat(this.curator.checkExists().forPath(ROOT + "/inventory-stock/sku-2")).isNull();
        assertProblem(get("/api/v1/data/inventory-stock/sku-2"), 404, "key");

        // The map's ETag covers its entries: a change after the read makes the whole-map delete fail.
        String mapTag = get("/api/v1/data/inventory-stock").headers().firstValue("ETag").orElseThrow();
        this.curator.setData().forPath(ROOT + "/inventory-stock/sku-1", bytes("{\"available\":3}"));
        assertProblem(delete("/api/v1/data/inventory-stock", mapTag), 412, "If-Match");
        assertThat(this.curator.checkExists().forPath(ROOT + "/inventory-stock/sku-1")).isNotNull();
        String freshTag = get("/api/v1/data/inventory-stock").headers().firstValue("ETag").orElseThrow();
        assertThat(delete("/api/v1/data/inventory-stock", freshTag).statusCode()).isEqualTo(204);
        assertThat(this.curator.checkExists().forPath(ROOT + "/inventory-stock")).isNull();
    }

    @Test
    void dataWrittenDirectlyInZooKeeperIsShownAndUndecodableDataIsShownAsText() throws Exception {
        this.curator.create().creatingParentsIfNeeded().forPath(ROOT + "/zk-map", bytes("{\"kind\" : \"map\"}"));
        this.curator.create().forPath(ROOT + "/zk-map/a.b", bytes("[1,2]"));
        this.curator.create().forPath(ROOT + "/zk-broken", bytes("not json"));

        JsonNode map = body(get("/api/v1/data/zk-map"), 200);
        assertThat(map.get("kind").asString()).isEqualTo("map");
        assertThat(map.get("entries").get(0).get("key").asString()).isEqualTo("a.b");
        assertThat(map.get("entries").get(0).get("value").get(1).asInt()).isEqualTo(2);
        JsonNode broken = body(get("/api/v1/data/zk-broken"), 200);
        assertThat(broken.get("kind").asString()).isEqualTo("value");
        assertThat(broken.get("value").asString()).isEqualTo("not json");
        assertThat(broken.get("problem").asString()).contains("does not hold JSON");
    }

    @Test
    void staleOrImpossiblePreconditionsAreRejectedWith412AndChangeNothing() throws Exception {
        put("/api/v1/data/cas-value", "\"one\"", null);
        put("/api/v1/data/cas-value", "\"two\"", "\"0\"");

        assertProblem(put("/api/v1/data/cas-value", "\"three\"", "\"0\""), 412, "If-Match");
        assertProblem(delete("/api/v1/data/cas-value", "\"0\""), 412, "If-Match");
        assertProblem(put("/api/v1/data/cas-value", "\"three\"", "\"abc\""), 412, "If-Match");
        assertProblem(send(request("/api/v1/data/cas-value", "olga").header("Content-Type", "application/json")
                .header("If-None-Match", "*").PUT(HttpRequest.BodyPublishers.ofString("\"new\"")).build()), 412,
                "If-None-Match");
        assertProblem(put("/api/v1/data/cas-missing", "\"x\"", "\"0\""), 412, "If-Match");
        assertThat(this.curator.checkExists().forPath(ROOT + "/cas-missing")).isNull();
        assertThat(znode(ROOT + "/cas-value")).isEqualTo("\"two\"");

        put("/api/v1/data/cas-map/k", "1.5", null);
        assertProblem(put("/api/v1/data/cas-map/k", "2.5", "\"7\""), 412, "If-Match");
        assertProblem(delete("/api/v1/data/cas-map/k", "\"7\""), 412, "If-Match");
        assertThat(znode(ROOT + "/cas-map/k")).isEqualTo("1.5");
        HttpResponse<String> createOnly = send(request("/api/v1/data/cas-map/fresh", "olga")
                .header("Content-Type", "application/json").header("If-None-Match", "*")
                .PUT(HttpRequest.BodyPublishers.ofString("true")).build());
        assertThat(createOnly.statusCode()).as(createOnly.body()).isEqualTo(200);
    }

    @Test
    void concurrentWritesWithTheSameVersionLetExactlyOneWin() throws Exception {
        put("/api/v1/data/race-counter", "0", null);
        ExecutorService pool = Executors.newFixedThreadPool(6);
        try {
            List<Future<HttpResponse<String>>> results = new ArrayList<>();
            for (int i = 1; i <= 6; i++) {
                String body = Integer.toString(i);
                results.add(pool.submit(() -> put("/api/v1/data/race-counter", body, "\"0\"")));
            }
            List<Integer> statuses = new ArrayList<>();
            for (Future<HttpResponse<String>> result : results) {
                statuses.add(result.get().statusCode());
            }
            assertThat(statuses).containsOnly(200, 412).filteredOn((status) -> status == 200).hasSize(1);
        }
        finally {
            pool.shutdownNow();
        }
        assertThat(body(get("/api/v1/data/race-counter"), 200).get("version").asInt()).isEqualTo(1);
    }

    @Test
    void writingAnotherKindIsRefusedNamingBothKinds() throws Exception {
        put("/api/v1/data/kind-value", "{\"a\":1}", null);
        put("/api/v1/data/kind-counter", "5", null);
        put("/api/v1/data/kind-map/k", "{\"a\":1}", null);

        HttpResponse<String> entryUnderValue = put("/api/v1/data/kind-value/k", "1", null);
        assertProblem(entryUnderValue, 409, null);
        assertThat(detail(entryUnderValue)).contains("is a value, not a map");
        assertProblem(put("/api/v1/data/kind-counter/k", "1", null), 409, null);
        HttpResponse<String> valueOverMap = put("/api/v1/data/kind-map", "{\"a\":2}", null);
        assertProblem(valueOverMap, 409, null);
        assertThat(detail(valueOverMap)).contains("is a map, not a value");
        HttpResponse<String> integerOverValue = put("/api/v1/data/kind-value", "7", null);
        assertProblem(integerOverValue, 409, null);
        assertThat(detail(integerOverValue)).contains("is a value, not a counter");
        HttpResponse<String> textOverCounter = put("/api/v1/data/kind-counter", "\"five\"", null);
        assertProblem(textOverCounter, 400, "body");
        assertThat(detail(textOverCounter)).contains("counter").contains("integer");
        assertProblem(get("/api/v1/data/kind-value/k"), 409, null);

        assertThat(znode(ROOT + "/kind-value")).isEqualTo("{\"a\":1}");
        assertThat(znode(ROOT + "/kind-counter")).isEqualTo("5");
        assertThat(znode(ROOT + "/kind-map")).isEqualTo("{\"kind\":\"map\"}");
        assertThat(this.curator.checkExists().forPath(ROOT + "/kind-value/k")).isNull();
    }

    @Test
    void badNamesKeysAndBodiesAre400NamingTheProblemAndChangeNothing() throws Exception {
        HttpResponse<String> dotName = put("/api/v1/data/.hidden", "1", null);
        assertProblem(dotName, 400, "name");
        assertThat(detail(dotName)).contains("[A-Za-z0-9_-][A-Za-z0-9._-]{0,127}");
        assertProblem(put("/api/v1/data/bad%24name", "1", null), 400, "name");
        assertProblem(put("/api/v1/data/" + "n".repeat(129), "1", null), 400, "name");
        assertProblem(get("/api/v1/data/bad%24name"), 400, "name");
        assertProblem(put("/api/v1/data/good-map/.hidden", "1", null), 400, "key");
        assertProblem(put("/api/v1/data/good-map/bad%24key", "1", null), 400, "key");

        HttpResponse<String> notJson = put("/api/v1/data/bad-json", "{not json", null);
        assertProblem(notJson, 400, "body");
        assertThat(detail(notJson)).contains("not valid JSON").contains("line 1");
        assertProblem(put("/api/v1/data/bad-json", "", null), 400, "body");
        assertProblem(put("/api/v1/data/bad-json", "{\"a\":1,\"a\":2}", null), 400, "body");
        assertProblem(put("/api/v1/data/bad-json", "1 2", null), 400, "body");
        assertProblem(put("/api/v1/data/bad-json", "{\"kind\":\"map\"}", null), 400, "body");
        assertProblem(put("/api/v1/data/bad-json", "123456789012345678901234567890", null), 400, "body");
        HttpResponse<String> tooLarge = put("/api/v1/data/bad-json", "\"" + "x".repeat(2000) + "\"", null);
        assertProblem(tooLarge, 400, "body");
        assertThat(detail(tooLarge)).contains("meshkeeper.registry.data.max-value-size");
        assertProblem(send(request("/api/v1/data/bad-json", "olga").header("Content-Type", "text/plain")
                .PUT(HttpRequest.BodyPublishers.ofString("1")).build()), 415, null);
        assertThat(this.curator.checkExists().forPath(ROOT + "/bad-json")).isNull();
        assertThat(this.curator.checkExists().forPath(ROOT + "/good-map")).isNull();

        assertProblem(get("/api/v1/data/no-such-data"), 404, "name");
        assertProblem(delete("/api/v1/data/no-such-data", null), 404, "name");
        assertProblem(delete("/api/v1/data/no-such-data/k", null), 404, "name");
    }

    @Test
    void viewersReadButOnlyOperatorsWrite() throws Exception {
        put("/api/v1/data/guarded", "{\"a\":1}", null);

        assertThat(send(request("/api/v1/data/guarded", "vic").GET().build()).statusCode()).isEqualTo(200);
        assertThat(send(request("/api/v1/data", "vic").GET().build()).statusCode()).isEqualTo(200);
        assertProblem(send(request("/api/v1/data/guarded", "vic").header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString("{\"a\":2}")).build()), 403, null);
        assertProblem(send(request("/api/v1/data/guarded/k", "vic").header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString("1")).build()), 403, null);
        assertProblem(send(request("/api/v1/data/guarded", "vic").DELETE().build()), 403, null);
        assertThat(send(HttpRequest.newBuilder(uri("/api/v1/data")).GET().build()).statusCode()).isEqualTo(401);
        assertThat(znode(ROOT + "/guarded")).isEqualTo("{\"a\":1}");
    }

    @Test
    void serverRequiringIfMatchAnswers428WithoutAPrecondition() throws Exception {
        put("/api/v1/data/required", "1", null);
        this.properties.setRequireIfMatch(true);

        assertProblem(put("/api/v1/data/required", "2", null), 428, "If-Match");
        assertProblem(delete("/api/v1/data/required", null), 428, "If-Match");
        assertThat(put("/api/v1/data/required", "2", "\"0\"").statusCode()).isEqualTo(200);
    }

    @Test
    void aFullMapRefusesNewKeysButUpdatesExistingOnes() throws Exception {
        this.properties.setMaxEntries(2);
        put("/api/v1/data/full-map/a", "1", null);
        put("/api/v1/data/full-map/b", "2", null);

        HttpResponse<String> third = put("/api/v1/data/full-map/c", "3", null);
        assertProblem(third, 409, null);
        assertThat(detail(third)).contains("meshkeeper.registry.data.max-entries");
        assertThat(put("/api/v1/data/full-map/a", "10", null).statusCode()).isEqualTo(200);
        assertThat(this.curator.getChildren().forPath(ROOT + "/full-map")).containsExactlyInAnyOrder("a", "b");
    }

    private String znode(String path) throws Exception {
        return new String(this.curator.getData().forPath(path), StandardCharsets.UTF_8);
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private JsonNode find(JsonNode array, String name) {
        for (JsonNode node : array) {
            if (name.equals(node.get("name").asString())) {
                return node;
            }
        }
        throw new AssertionError("no data named " + name + " in " + array);
    }

    private JsonNode body(HttpResponse<String> response, int status) {
        return ApiClient.body(response, status);
    }

    private String detail(HttpResponse<String> response) {
        return ApiClient.json(response.body()).get("detail").asString();
    }

    private void assertProblem(HttpResponse<String> response, int status, String field) {
        ApiClient.assertProblem(response, status, field);
    }

    private HttpResponse<String> get(String path) throws Exception {
        return this.api.get(path);
    }

    private HttpResponse<String> delete(String path, String ifMatch) throws Exception {
        return this.api.delete(path, ifMatch);
    }

    private HttpResponse<String> put(String path, String body, String ifMatch) throws Exception {
        return this.api.put(path, body, ifMatch);
    }

    private HttpRequest.Builder request(String path, String user) {
        return this.api.as(user).request(path);
    }

    private URI uri(String path) {
        return this.api.uri(path);
    }

    private HttpResponse<String> send(HttpRequest request) throws Exception {
        return this.api.send(request);
    }
}
