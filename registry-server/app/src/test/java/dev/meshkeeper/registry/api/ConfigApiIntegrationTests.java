package dev.meshkeeper.registry.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.meshkeeper.registry.RegistryServerApplication;
import dev.meshkeeper.registry.TestRegistryProperties;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
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
class ConfigApiIntegrationTests {

    @TempDir
    static Path dataDir;

    @DynamicPropertySource
    static void registry(DynamicPropertyRegistry registry) {
        TestRegistryProperties.server(registry, () -> 0, dataDir);
        registry.add("meshkeeper.registry.config.max-value-size", () -> "1KB");
        for (String user : new String[] { "tester", "alice" }) {
            TestRegistryProperties.user(registry, user, "operator");
        }
    }

    @LocalServerPort
    int httpPort;

    @Autowired
    CuratorFramework curator;

    @Autowired
    ConfigApiProperties properties;

    private ApiClient api;

    @BeforeEach
    void client() {
        this.api = ApiClient.as("tester", this.httpPort);
    }

    @AfterEach
    void resetProperties() {
        this.properties.setRequireIfMatch(false);
        this.properties.setHistoryLimit(100);
    }

    @Test
    void putWritesManyKeysAtomicallyInSpringCloudZookeepersLayoutAndVersionsTheContext() throws Exception {
        HttpResponse<String> put = put("/api/v1/config/orders-api",
                "{\"properties\":{\"orders.max-quantity\":\"20\",\"orders.express-shipping\":\"true\"}}", null);

        assertThat(put.statusCode()).isEqualTo(200);
        assertThat(put.headers().firstValue("ETag")).hasValue("\"1\"");
        JsonNode body = ApiClient.json(put.body());
        assertThat(body.get("version").asLong()).isEqualTo(1);
        assertThat(body.get("change").get("who").asString()).isEqualTo("tester");
        assertThat(new String(this.curator.getData().forPath("/config/orders-api/orders.max-quantity"),
                StandardCharsets.UTF_8)).isEqualTo("20");

        HttpResponse<String> read = get("/api/v1/config/orders-api");
        assertThat(read.statusCode()).isEqualTo(200);
        assertThat(read.headers().firstValue("ETag")).hasValue("\"1\"");
        JsonNode context = ApiClient.json(read.body());
        assertThat(context.get("properties").get("orders.max-quantity").asString()).isEqualTo("20");
        assertThat(context.get("properties").get("orders.express-shipping").asString()).isEqualTo("true");

        JsonNode contexts = ApiClient.json(get("/api/v1/config").body()).get("contexts");
        assertThat(contexts.findValuesAsString("name")).contains("orders-api");
    }

    @Test
    void nestedZnodesWrittenByPlainClientsAreReadUpdatedAndDeletedInPlace() throws Exception {
        this.curator.create().creatingParentsIfNeeded().forPath("/config/nested-api/orders/max-quantity",
                "7".getBytes(StandardCharsets.UTF_8));

        assertThat(ApiClient.json(get("/api/v1/config/nested-api").body()).get("properties")
                .get("orders.max-quantity").asString()).isEqualTo("7");
        assertThat(put("/api/v1/config/nested-api", "{\"properties\":{\"orders.max-quantity\":\"8\"}}", null)
                .statusCode()).isEqualTo(200);
        assertThat(new String(this.curator.getData().forPath("/config/nested-api/orders/max-quantity"),
                StandardCharsets.UTF_8)).isEqualTo("8");
        assertThat(this.curator.checkExists().forPath("/config/nested-api/orders.max-quantity")).isNull();

        assertThat(delete("/api/v1/config/nested-api/properties/orders.max-quantity").statusCode()).isEqualTo(200);
        assertThat(this.curator.checkExists().forPath("/config/nested-api/orders")).isNull();
        assertThat(ApiClient.json(get("/api/v1/config/nested-api").body()).get("properties").isEmpty())
                .isTrue();
    }

    @Test
    void oneBadKeyRejectsTheWholeWriteWith400NamingTheField() throws Exception {
        put("/api/v1/config/atomic-api", "{\"properties\":{\"a\":\"1\"}}", null);

        HttpResponse<String> illegal = put("/api/v1/config/atomic-api",
                "{\"properties\":{\"b\":\"2\",\"bad..key\":\"3\"}}", null);
        assertProblem(illegal, 400, "properties");
        assertThat(illegal.body()).contains("bad..key");

        HttpResponse<String> empty = put("/api/v1/config/atomic-api", "{\"properties\":{\"\":\"x\"}}", null);
        assertProblem(empty, 400, "properties");

        HttpResponse<String> slash = put("/api/v1/config/atomic-api", "{\"properties\":{\"a/b\":\"x\"}}", null);
        assertProblem(slash, 400, "properties");

        HttpResponse<String> tooLarge = put("/api/v1/config/atomic-api",
                "{\"properties\":{\"c\":\"1\",\"big\":\"" + "x".repeat(2000) + "\"}}", null);
        assertProblem(tooLarge, 400, "properties.big");
        assertThat(tooLarge.body()).contains("max-value-size");

        JsonNode context = ApiClient.json(get("/api/v1/config/atomic-api").body());
        assertThat(context.get("version").asLong()).isEqualTo(1);
        assertThat(context.get("properties").propertyNames()).containsExactly("a");
        assertThat(this.curator.checkExists().forPath("/config/atomic-api/b")).isNull();
        assertThat(this.curator.checkExists().forPath("/config/atomic-api/c")).isNull();
    }

    @Test
    void writeLargerThanOneZooKeeperTransactionIsRejectedWith400() throws Exception {
        StringBuilder body = new StringBuilder("{\"properties\":{");
        for (int i = 0; i < 1200; i++) {
            body.append(i > 0 ? "," : "").append("\"key").append(i).append("\":\"").append("v".repeat(1000))
                    .append('"');
        }
        body.append("}}");

        HttpResponse<String> tooLarge = put("/api/v1/config/huge-api", body.toString(), null);

        assertProblem(tooLarge, 400, "properties");
        assertThat(tooLarge.body()).contains("split it");
        assertThat(this.curator.checkExists().forPath("/config/huge-api")).isNull();
    }

    @Test
    void malformedRequestsAreProblemsNeverServerErrors() throws Exception {
        assertProblem(put("/api/v1/config/bad-api", "{not json", null), 400, null);
        assertProblem(put("/api/v1/config/bad-api", "{}", null), 400, "properties");
        assertProblem(get("/api/v1/config/no-such-context"), 404, null);
        assertProblem(get("/api/v1/config/no-such-context/history"), 404, null);
        assertProblem(post("/api/v1/config/no-such-context/rollback", "{\"version\":1}", "application/json", null),
                404, null);
        put("/api/v1/config/bad-api", "{\"properties\":{\"a\":\"1\"}}", null);
        assertProblem(get("/api/v1/config/bad-api/diff?from=abc&to=1"), 400, null);
        assertProblem(get("/api/v1/config/bad-api/diff?from=0&to=9"), 404, null);
        assertProblem(get("/api/v1/config/bad-api/export?format=xml"), 400, "format");
        assertProblem(post("/api/v1/config/bad-api/rollback", "{}", "application/json", null), 400, "version");
        assertProblem(post("/api/v1/config/bad-api/rollback", "{\"version\":7}", "application/json", null), 404,
                null);
        assertProblem(delete("/api/v1/config/bad-api/properties/not-there"), 404, null);
        assertProblem(post("/api/v1/config/bad-api/import?format=yaml", "- just\n- a list\n", "application/yaml",
                null), 400, "body");
        assertProblem(post("/api/v1/config/bad-api/import?mode=overwrite", "a=2", "text/plain", null), 400, "mode");
    }

    @Test
    void configErrorsAreRenderedByTheAdminApiProblemHandlerWithTheOffendingField() throws Exception {
        JsonNode notJson = ApiClient.json(put("/api/v1/config/handler-api", "{not json", null).body());
        assertThat(notJson.get("title").asString()).isEqualTo("Invalid request");
        assertThat(notJson.get("type").asString()).isEqualTo("https://meshkeeper.dev/problems/invalid-request");
        assertThat(notJson.get("field").asString()).isEqualTo("body");
        put("/api/v1/config/handler-api", "{\"properties\":{\"a\":\"1\"}}", null);
        HttpResponse<String> wrongType = get("/api/v1/config/handler-api/diff?from=abc&to=1");
        assertProblem(wrongType, 400, "from");
        assertThat(ApiClient.json(wrongType.body()).get("title").asString()).isEqualTo("Invalid request");
        JsonNode own = ApiClient.json(get("/api/v1/config/no-such-context").body());
        assertThat(own.get("type").asString()).isEqualTo("https://meshkeeper.dev/problems/config/not-found");
    }

    @Test
    void staleIfMatchIsRejectedWith412AndChangesNothing() throws Exception {
        put("/api/v1/config/cas-api", "{\"properties\":{\"a\":\"1\"}}", null);
        put("/api/v1/config/cas-api", "{\"properties\":{\"a\":\"2\"}}", "\"1\"");

        HttpResponse<String> stale = put("/api/v1/config/cas-api", "{\"properties\":{\"a\":\"3\"}}", "\"1\"");

        assertProblem(stale, 412, "If-Match");
        JsonNode context = ApiClient.json(get("/api/v1/config/cas-api").body());
        assertThat(context.get("version").asLong()).isEqualTo(2);
        assertThat(context.get("properties").get("a").asString()).isEqualTo("2");
    }

    @Test
    void concurrentWritesWithTheSameVersionLetExactlyOneWin() throws Exception {
        put("/api/v1/config/race-api", "{\"properties\":{\"counter\":\"0\"}}", null);
        ExecutorService pool = Executors.newFixedThreadPool(6);
        try {
            List<Future<HttpResponse<String>>> results = new ArrayList<>();
            for (int i = 1; i <= 6; i++) {
                String body = "{\"properties\":{\"counter\":\"" + i + "\",\"writer-" + i + "\":\"yes\"}}";
                Callable<HttpResponse<String>> write = () -> put("/api/v1/config/race-api", body, "\"1\"");
                results.add(pool.submit(write));
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
        JsonNode context = ApiClient.json(get("/api/v1/config/race-api").body());
        assertThat(context.get("version").asLong()).isEqualTo(2);
        long writers = context.get("properties").propertyNames().stream().filter((key) -> key.startsWith("writer-"))
                .count();
        assertThat(writers).isEqualTo(1);
    }

    @Test
    void serverRequiringIfMatchAnswers428WithoutIt() throws Exception {
        put("/api/v1/config/required-api", "{\"properties\":{\"a\":\"1\"}}", null);
        this.properties.setRequireIfMatch(true);

        assertProblem(put("/api/v1/config/required-api", "{\"properties\":{\"a\":\"2\"}}", null), 428, "If-Match");
        assertProblem(delete("/api/v1/config/required-api/properties/a"), 428, "If-Match");
        assertThat(put("/api/v1/config/required-api", "{\"properties\":{\"a\":\"2\"}}", "\"1\"").statusCode())
                .isEqualTo(200);
    }

    @Test
    void historyDiffAndRollbackRecordWhoWhenAndOldToNew() throws Exception {
        put("/api/v1/config/history-api", "{\"properties\":{\"a\":\"1\"}}", null);
        putAs("/api/v1/config/history-api", "{\"properties\":{\"a\":\"2\",\"b\":\"x\"}}", "alice");
        delete("/api/v1/config/history-api/properties/b");

        JsonNode history = ApiClient.json(get("/api/v1/config/history-api/history").body());
        JsonNode changes = history.get("changes");
        assertThat(changes).hasSize(3);
        assertThat(changes.get(0).get("version").asLong()).isEqualTo(3);
        assertThat(changes.get(1).get("who").asString()).isEqualTo("alice");
        assertThat(changes.get(1).get("when").asString()).isNotBlank();
        JsonNode aChange = changes.get(1).get("changes").get(0);
        assertThat(aChange.get("key").asString()).isEqualTo("a");
        assertThat(aChange.get("oldValue").asString()).isEqualTo("1");
        assertThat(aChange.get("newValue").asString()).isEqualTo("2");

        JsonNode diff = ApiClient.json(get("/api/v1/config/history-api/diff?from=1&to=3").body());
        assertThat(diff.get("changes")).hasSize(1);
        assertThat(diff.get("changes").get(0).get("key").asString()).isEqualTo("a");
        assertThat(diff.get("changes").get(0).get("oldValue").asString()).isEqualTo("1");
        assertThat(diff.get("changes").get(0).get("newValue").asString()).isEqualTo("2");
        JsonNode diffToBefore = ApiClient.json(get("/api/v1/config/history-api/diff?from=0&to=2").body());
        assertThat(diffToBefore.get("changes")).hasSize(2);

        HttpResponse<String> rollback = post("/api/v1/config/history-api/rollback", "{\"version\":2}",
                "application/json", "\"3\"");
        assertThat(rollback.statusCode()).isEqualTo(200);
        JsonNode rolledBack = ApiClient.json(rollback.body());
        assertThat(rolledBack.get("version").asLong()).isEqualTo(4);
        assertThat(rolledBack.get("properties").get("a").asString()).isEqualTo("2");
        assertThat(rolledBack.get("properties").get("b").asString()).isEqualTo("x");
        assertThat(rolledBack.get("change").get("operation").asString()).isEqualTo("rollback");
        assertThat(rolledBack.get("change").get("rollbackOf").asLong()).isEqualTo(2);

        HttpResponse<String> toStart = post("/api/v1/config/history-api/rollback", "{\"version\":1}",
                "application/json", null);
        assertThat(ApiClient.json(toStart.body()).get("properties").propertyNames()).containsExactly("a");
        assertThat(ApiClient.json(toStart.body()).get("properties").get("a").asString()).isEqualTo("1");
    }

    @Test
    void historyIsBoundedAndPurgedVersionsCannotBeRestored() throws Exception {
        this.properties.setHistoryLimit(3);
        for (int i = 1; i <= 6; i++) {
            put("/api/v1/config/bounded-api", "{\"properties\":{\"n\":\"" + i + "\"}}", null);
        }
        JsonNode history = ApiClient.json(get("/api/v1/config/bounded-api/history").body());
        assertThat(history.get("changes")).hasSize(3);
        assertThat(history.get("changes").get(2).get("version").asLong()).isEqualTo(4);
        assertThat(this.curator.getChildren().forPath("/meshkeeper/config/bounded-api/history")).hasSize(3);

        assertProblem(post("/api/v1/config/bounded-api/rollback", "{\"version\":1}", "application/json", null),
                410, "version");
        HttpResponse<String> restorable = post("/api/v1/config/bounded-api/rollback", "{\"version\":3}",
                "application/json", null);
        assertThat(ApiClient.json(restorable.body()).get("properties").get("n").asString()).isEqualTo("3");
    }

    @Test
    void exportAndImportAsPropertiesAndYaml() throws Exception {
        put("/api/v1/config/export-api",
                "{\"properties\":{\"orders.max-quantity\":\"20\",\"orders.note\":\"a = b: c\",\"flag\":\"true\"}}",
                null);

        HttpResponse<String> properties = get("/api/v1/config/export-api/export?format=properties");
        assertThat(properties.statusCode()).isEqualTo(200);
        assertThat(properties.body()).contains("orders.max-quantity=20").contains("flag=true");
        HttpResponse<String> yaml = get("/api/v1/config/export-api/export?format=yaml");
        assertThat(yaml.body()).contains("orders:").contains("max-quantity: '20'");

        HttpResponse<String> imported = post("/api/v1/config/import-api/import?format=properties", properties.body(),
                "text/plain", null);
        assertThat(imported.statusCode()).isEqualTo(200);
        JsonNode copy = ApiClient.json(imported.body()).get("properties");
        assertThat(copy.get("orders.note").asString()).isEqualTo("a = b: c");
        assertThat(copy.propertyNames()).containsExactlyInAnyOrder("orders.max-quantity", "orders.note", "flag");

        HttpResponse<String> replaced = post("/api/v1/config/import-api/import?format=yaml&mode=replace",
                "orders:\n  max-quantity: 30\nlist:\n  - one\n  - two\n", "application/yaml", null);
        JsonNode after = ApiClient.json(replaced.body());
        assertThat(after.get("properties").propertyNames()).containsExactlyInAnyOrder("orders.max-quantity",
                "list[0]", "list[1]");
        assertThat(after.get("properties").get("orders.max-quantity").asString()).isEqualTo("30");
        assertThat(after.get("version").asLong()).isEqualTo(2);
    }

    private void assertProblem(HttpResponse<String> response, int status, String field) {
        ApiClient.assertProblem(response, status, field);
    }

    private HttpResponse<String> get(String path) throws Exception {
        return this.api.get(path);
    }

    private HttpResponse<String> delete(String path) throws Exception {
        return this.api.delete(path, null);
    }

    private HttpResponse<String> put(String path, String body, String ifMatch) throws Exception {
        return this.api.put(path, body, ifMatch);
    }

    private HttpResponse<String> putAs(String path, String body, String user) throws Exception {
        return this.api.as(user).put(path, body, null);
    }

    private HttpResponse<String> post(String path, String body, String contentType, String ifMatch)
            throws Exception {
        return this.api.send("POST", path, body, contentType, ifMatch);
    }
}
