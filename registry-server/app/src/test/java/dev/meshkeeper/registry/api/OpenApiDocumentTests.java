package dev.meshkeeper.registry.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import dev.meshkeeper.registry.RegistryServerApplication;
import dev.meshkeeper.registry.TestRegistryProperties;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.recipes.leader.LeaderLatch;
import org.apache.curator.framework.recipes.locks.InterProcessMutex;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerMapping;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * The admin API's OpenAPI description at {@code /api/v1/openapi.json}, generated from the controllers: what it covers,
 * who may read it, and that the API's real answers match the schemas it gives (JSON Schema 2020-12, as OpenAPI 3.1
 * uses it).
 */
@SpringBootTest(classes = RegistryServerApplication.class, webEnvironment = WebEnvironment.RANDOM_PORT)
@Timeout(180)
class OpenApiDocumentTests {

    private static final Logger logger = LoggerFactory.getLogger(OpenApiDocumentTests.class);

    private static final SchemaRegistry SCHEMAS = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12);

    /** Every operation the admin API offers; the description must keep describing each of them. */
    static final List<String> OPERATIONS = List.of(
            "GET /api/v1/services",
            "GET /api/v1/services/{service}",
            "GET /api/v1/services/{service}/instances/{id}",
            "PUT /api/v1/services/{service}/instances/{id}/status",
            "GET /api/v1/services/{service}/instances/{id}/history",
            "GET /api/v1/locks",
            "GET /api/v1/leaders",
            "GET /api/v1/placement",
            "GET /api/v1/topology",
            "GET /api/v1/timeline",
            "GET /api/v1/cluster",
            "GET /api/v1/audit",
            "GET /api/v1/events",
            "GET /api/v1/openapi.json",
            "GET /api/v1/config",
            "GET /api/v1/config/{context}",
            "PUT /api/v1/config/{context}",
            "PUT /api/v1/config/{context}/properties/{key}",
            "DELETE /api/v1/config/{context}/properties/{key}",
            "DELETE /api/v1/config/{context}/properties",
            "GET /api/v1/config/{context}/history",
            "GET /api/v1/config/{context}/diff",
            "POST /api/v1/config/{context}/rollback",
            "GET /api/v1/config/{context}/export",
            "POST /api/v1/config/{context}/import",
            "GET /api/v1/data",
            "GET /api/v1/data/{name}",
            "PUT /api/v1/data/{name}",
            "DELETE /api/v1/data/{name}",
            "GET /api/v1/data/{name}/{key}",
            "PUT /api/v1/data/{name}/{key}",
            "DELETE /api/v1/data/{name}/{key}");

    /** The operationId of each operation: stable names clients are generated with, never springdoc's put_1. */
    static final Map<String, String> OPERATION_IDS = Map.ofEntries(
            Map.entry("GET /api/v1/services", "listServices"),
            Map.entry("GET /api/v1/services/{service}", "getService"),
            Map.entry("GET /api/v1/services/{service}/instances/{id}", "getInstance"),
            Map.entry("PUT /api/v1/services/{service}/instances/{id}/status", "setInstanceStatus"),
            Map.entry("GET /api/v1/services/{service}/instances/{id}/history", "getInstanceHistory"),
            Map.entry("GET /api/v1/locks", "listLocks"),
            Map.entry("GET /api/v1/leaders", "listLeaderGroups"),
            Map.entry("GET /api/v1/placement", "listWorkGroups"),
            Map.entry("GET /api/v1/topology", "getTopology"),
            Map.entry("GET /api/v1/timeline", "getTimeline"),
            Map.entry("GET /api/v1/cluster", "getCluster"),
            Map.entry("GET /api/v1/audit", "listAuditEntries"),
            Map.entry("GET /api/v1/events", "streamEvents"),
            Map.entry("GET /api/v1/openapi.json", "openApi"),
            Map.entry("GET /api/v1/config", "listConfigContexts"),
            Map.entry("GET /api/v1/config/{context}", "getConfigContext"),
            Map.entry("PUT /api/v1/config/{context}", "putConfigProperties"),
            Map.entry("PUT /api/v1/config/{context}/properties/{key}", "putConfigProperty"),
            Map.entry("DELETE /api/v1/config/{context}/properties/{key}", "deleteConfigProperty"),
            Map.entry("DELETE /api/v1/config/{context}/properties", "deleteConfigProperties"),
            Map.entry("GET /api/v1/config/{context}/history", "getConfigHistory"),
            Map.entry("GET /api/v1/config/{context}/diff", "diffConfigVersions"),
            Map.entry("POST /api/v1/config/{context}/rollback", "rollbackConfigContext"),
            Map.entry("GET /api/v1/config/{context}/export", "exportConfigContext"),
            Map.entry("POST /api/v1/config/{context}/import", "importConfigContext"),
            Map.entry("GET /api/v1/data", "listData"),
            Map.entry("GET /api/v1/data/{name}", "getData"),
            Map.entry("PUT /api/v1/data/{name}", "putData"),
            Map.entry("DELETE /api/v1/data/{name}", "deleteData"),
            Map.entry("GET /api/v1/data/{name}/{key}", "getDataEntry"),
            Map.entry("PUT /api/v1/data/{name}/{key}", "putDataEntry"),
            Map.entry("DELETE /api/v1/data/{name}/{key}", "deleteDataEntry"));

    /** The writes a server may refuse with 428 when it requires If-Match (config and shared data). */
    static final List<String> PRECONDITION_REQUIRED = List.of(
            "PUT /api/v1/config/{context}",
            "PUT /api/v1/config/{context}/properties/{key}",
            "DELETE /api/v1/config/{context}/properties/{key}",
            "DELETE /api/v1/config/{context}/properties",
            "POST /api/v1/config/{context}/rollback",
            "POST /api/v1/config/{context}/import",
            "PUT /api/v1/data/{name}",
            "DELETE /api/v1/data/{name}",
            "PUT /api/v1/data/{name}/{key}",
            "DELETE /api/v1/data/{name}/{key}");

    @TempDir
    static Path dataDir;

    @DynamicPropertySource
    static void registry(DynamicPropertyRegistry registry) {
        TestRegistryProperties.server(registry, () -> 0, dataDir);
        TestRegistryProperties.user(registry, "vic", "viewer");
        TestRegistryProperties.user(registry, "olga", "operator");
        // Shared data writes need a precondition here, so that a real 428 can be checked against the description.
        registry.add("meshkeeper.registry.data.require-if-match", () -> "true");
    }

    @LocalServerPort
    int httpPort;

    @Autowired
    CuratorFramework curator;

    @Autowired
    @Qualifier("requestMappingHandlerMapping")
    RequestMappingHandlerMapping mappings;

    private final List<AutoCloseable> closeables = new ArrayList<>();

    /**
     * springdoc generates the description on its first request, which may take longer than one request's timeout on
     * a busy machine; it keeps generating and serves the result from then on.
     */
    @BeforeEach
    void descriptionGenerated() {
        await().atMost(Duration.ofMinutes(2)).ignoreExceptions()
                .untilAsserted(() -> assertThat(get("/api/v1/openapi.json", "vic").statusCode()).isEqualTo(200));
    }

    @AfterEach
    void close() throws Exception {
        for (int i = this.closeables.size() - 1; i >= 0; i--) {
            this.closeables.get(i).close();
        }
    }

    private final JsonMapper json = JsonMapper.builder().build();

    @Test
    void descriptionIsOpenApi31AndDescribesEveryOperationWithASummary() throws Exception {
        JsonNode document = document();

        assertThat(document.get("openapi").asString()).startsWith("3.1");
        List<String> missing = new ArrayList<>();
        List<String> unsummarised = new ArrayList<>();
        for (String operation : OPERATIONS) {
            String[] parts = operation.split(" ");
            JsonNode described = document.path("paths").path(parts[1]).path(parts[0].toLowerCase());
            if (described.isMissingNode()) {
                missing.add(operation);
            }
            else if (described.path("summary").asString("").isBlank()) {
                unsummarised.add(operation);
            }
        }
        assertThat(missing).isEmpty();
        assertThat(unsummarised).isEmpty();
    }

    @Test
    void everyOperationHasItsOwnStableOperationId() throws Exception {
        JsonNode document = document();
        Map<String, String> described = new java.util.TreeMap<>();
        document.path("paths").properties().forEach((path) -> path.getValue().properties().forEach((method) -> described
                .put(method.getKey().toUpperCase() + " " + path.getKey(), method.getValue().path("operationId")
                        .asString(""))));
        assertThat(described).containsExactlyInAnyOrderEntriesOf(OPERATION_IDS);
    }

    @Test
    void writesThatMayRequireIfMatchListPreconditionRequired() throws Exception {
        JsonNode document = document();
        for (String operation : OPERATIONS) {
            String[] parts = operation.split(" ");
            JsonNode responses = document.path("paths").path(parts[1]).path(parts[0].toLowerCase()).path("responses");
            assertThat(responses.has("428")).as("428 listed for " + operation)
                    .isEqualTo(PRECONDITION_REQUIRED.contains(operation));
        }
    }

    @Test
    void descriptionNeedsAViewerAndNothingElseOfSpringdocIsServed() throws Exception {
        assertThat(get("/api/v1/openapi.json", null).statusCode()).isEqualTo(401);
        assertThat(get("/api/v1/openapi.json.yaml", null).statusCode()).isEqualTo(401);
        assertThat(get("/api/v1/openapi.json", "vic").statusCode()).isEqualTo(200);

        List<String> springdocPaths = new ArrayList<>();
        this.mappings.getHandlerMethods().forEach((info, method) -> {
            if (method.getBeanType().getName().startsWith("org.springdoc.")) {
                springdocPaths.addAll(info.getPatternValues());
            }
        });
        assertThat(springdocPaths).containsExactlyInAnyOrder("/api/v1/openapi.json", "/api/v1/openapi.json.yaml");
    }

    @Test
    void realAnswersMatchTheDescribedSchemas() throws Exception {
        register("catalog-service", "catalog-service-127.0.0.1-8081", 8081,
                Map.of("zone", "zone-a", "weight", "3", "version", "v1", "instance_status", "UP", "load", "0.42"));
        register("catalog-service", "catalog-service-127.0.0.1-8082", 8082, Map.of("instance_status", "UP"));
        InterProcessMutex lock = new AdminApiIntegrationTests.HolderMutex(this.curator,
                "/meshkeeper/locks/stock-sku-7", "{\"instanceId\":\"inventory-1\",\"thread\":\"worker-1\","
                        + "\"acquiredAt\":\"2026-12-01T04:20:11Z\"}");
        assertThat(lock.acquire(5, TimeUnit.SECONDS)).isTrue();
        this.closeables.add(lock::release);
        LeaderLatch latch = new LeaderLatch(this.curator, "/meshkeeper/leaders/reconciler", "order-service-1");
        latch.start();
        this.closeables.add(latch);
        assertThat(latch.await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(send("PUT", "/api/v1/config/orders", "application/json",
                "{\"properties\":{\"limit\":\"5\",\"greeting\":\"hello\"}}", "olga").statusCode()).isEqualTo(200);
        assertThat(send("PUT", "/api/v1/config/orders/properties/limit", "text/plain", "6", "olga").statusCode())
                .isEqualTo(200);
        assertThat(create("/api/v1/data/feature-flags", "{\"checkout\":true}").statusCode()).isEqualTo(200);
        assertThat(create("/api/v1/data/orders-placed", "42").statusCode()).isEqualTo(200);
        assertThat(create("/api/v1/data/carts/cart-1", "[1,2]").statusCode()).isEqualTo(200);
        JsonNode document = document();
        String instance = "/api/v1/services/catalog-service/instances/catalog-service-127.0.0.1-8081";
        List<String> mismatches = new ArrayList<>();

        // every GET that answers JSON, with the data above in it
        check(document, "/api/v1/services", "/api/v1/services", 200, "vic", mismatches);
        check(document, "/api/v1/services/{service}", "/api/v1/services/catalog-service", 200, "vic", mismatches);
        check(document, "/api/v1/services/{service}/instances/{id}", instance, 200, "vic", mismatches);
        check(document, "/api/v1/services/{service}/instances/{id}/history", instance + "/history", 200, "vic",
                mismatches);
        check(document, "/api/v1/locks", "/api/v1/locks", 200, "vic", mismatches);
        check(document, "/api/v1/leaders", "/api/v1/leaders", 200, "vic", mismatches);
        check(document, "/api/v1/placement", "/api/v1/placement", 200, "vic", mismatches);
        check(document, "/api/v1/topology", "/api/v1/topology", 200, "vic", mismatches);
        check(document, "/api/v1/timeline", "/api/v1/timeline", 200, "vic", mismatches);
        check(document, "/api/v1/cluster", "/api/v1/cluster", 200, "vic", mismatches);
        check(document, "/api/v1/audit", "/api/v1/audit", 200, "vic", mismatches);
        check(document, "/api/v1/config", "/api/v1/config", 200, "vic", mismatches);
        check(document, "/api/v1/config/{context}", "/api/v1/config/orders", 200, "vic", mismatches);
        check(document, "/api/v1/config/{context}/history", "/api/v1/config/orders/history", 200, "vic",
                mismatches);
        check(document, "/api/v1/config/{context}/diff", "/api/v1/config/orders/diff?from=1&to=2", 200, "vic",
                mismatches);
        check(document, "/api/v1/data", "/api/v1/data", 200, "vic", mismatches);
        check(document, "/api/v1/data/{name}", "/api/v1/data/feature-flags", 200, "vic", mismatches);
        check(document, "/api/v1/data/{name}", "/api/v1/data/orders-placed", 200, "vic", mismatches);
        check(document, "/api/v1/data/{name}", "/api/v1/data/carts", 200, "vic", mismatches);
        check(document, "/api/v1/data/{name}/{key}", "/api/v1/data/carts/cart-1", 200, "vic", mismatches);
        // and the problem detail of failing calls
        check(document, "/api/v1/services/{service}", "/api/v1/services/no-such-service", 404, "vic", mismatches);
        check(document, "/api/v1/audit", "/api/v1/audit?limit=0", 400, "vic", mismatches);
        check(document, "/api/v1/locks", "/api/v1/locks", 401, null, mismatches);
        checkAnswer(document, "/api/v1/data/{name}", "put", "PUT /api/v1/data/orders-placed",
                send("PUT", "/api/v1/data/orders-placed", "application/json", "43", "olga"), 428, mismatches);

        assertThat(mismatches).isEmpty();
    }

    @Test
    void aRenamedFieldNoLongerMatchesTheDescription() throws Exception {
        register("renamed-service", "renamed-service-127.0.0.1-8085", 8085, Map.of("instance_status", "UP"));
        JsonNode document = document();
        String path = "/api/v1/services/renamed-service/instances/renamed-service-127.0.0.1-8085";
        ObjectNode body = (ObjectNode) this.json.readTree(get(path, "vic").body());
        Schema schema = responseSchema(document, "/api/v1/services/{service}/instances/{id}", "get", 200,
                "application/json");
        assertThat(schema.validate(body)).isEmpty();

        body.set("portNumber", body.remove("port"));

        assertThat(schema.validate(body)).extracting(Error::getMessage).anyMatch(message -> message.contains("port"));
    }

    /** GETs {@code url} and validates the answer against the schema the description gives for it. */
    private void check(JsonNode document, String template, String url, int status, String user, List<String> mismatches)
            throws Exception {
        checkAnswer(document, template, "get", "GET " + url, get(url, user), status, mismatches);
    }

    /** Validates the answer to {@code call} against the schema the description gives for it. */
    private void checkAnswer(JsonNode document, String template, String method, String call,
            HttpResponse<String> response, int status, List<String> mismatches) {
        if (response.statusCode() != status) {
            mismatches.add(call + " answered " + response.statusCode() + ", not " + status + ": " + response.body());
            return;
        }
        String mediaType = response.headers().firstValue("Content-Type").orElse("").split(";")[0].trim();
        Schema schema = responseSchema(document, template, method, status, mediaType);
        if (schema == null) {
            mismatches.add(method.toUpperCase() + " " + template + " has no schema for " + status + " " + mediaType);
            return;
        }
        for (Error error : schema.validate(this.json.readTree(response.body()))) {
            mismatches.add(call + " -> " + status + ": " + error);
        }
        logger.debug("{} -> {} matches the description", call, status);
    }

    /** The schema of one response, resolved within the whole description so that its $refs resolve. */
    private Schema responseSchema(JsonNode document, String template, String method, int status, String mediaType) {
        JsonNode response = document.path("paths").path(template).path(method).path("responses")
                .path(String.valueOf(status));
        String pointer = "#/paths/" + escape(template) + "/" + method + "/responses/" + status;
        if (response.has("$ref")) {
            pointer = response.get("$ref").asString();
            response = document.at(pointer.substring(1));
        }
        if (!response.path("content").has(mediaType)) {
            return null;
        }
        ObjectNode root = (ObjectNode) document.deepCopy();
        root.put("$ref", pointer + "/content/" + escape(mediaType) + "/schema");
        return SCHEMAS.getSchema(SchemaLocation.of("https://meshkeeper.dev/api/v1/openapi.json"), root);
    }

    private static String escape(String token) {
        return token.replace("~", "~0").replace("/", "~1");
    }

    private void register(String service, String id, int port, Map<String, String> metadata) throws Exception {
        RegistryNodes.on(this.curator).register(service, id, port, metadata);
        this.closeables.add(() -> this.curator.delete().quietly().forPath("/services/" + service + "/" + id));
    }

    private JsonNode document() throws Exception {
        HttpResponse<String> response = get("/api/v1/openapi.json", "vic");
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return this.json.readTree(response.body());
    }

    private HttpResponse<String> get(String path, String user) throws Exception {
        return api(user).get(path);
    }

    private HttpResponse<String> send(String method, String path, String contentType, String body, String user)
            throws Exception {
        return api(user).send(method, path, body, contentType, null);
    }

    /** Creates a shared data name or map entry as the operator, with If-None-Match: * (its precondition). */
    private HttpResponse<String> create(String path, String body) throws Exception {
        ApiClient operator = api("olga");
        return operator.send(operator.request(path).header("Content-Type", "application/json")
                .header("If-None-Match", "*").PUT(java.net.http.HttpRequest.BodyPublishers.ofString(body)).build());
    }

    /** The admin API as {@code user}, or without credentials when it is null, accepting JSON. */
    private ApiClient api(String user) {
        return ((user != null) ? ApiClient.as(user, this.httpPort) : ApiClient.anonymous(this.httpPort))
                .acceptingJson();
    }
}
