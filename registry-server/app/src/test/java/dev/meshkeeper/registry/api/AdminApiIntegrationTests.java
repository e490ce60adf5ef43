package dev.meshkeeper.registry.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.meshkeeper.registry.RegistryServerApplication;
import dev.meshkeeper.registry.TestRegistryProperties;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.recipes.leader.LeaderLatch;
import org.apache.curator.framework.recipes.locks.InterProcessMutex;
import org.apache.curator.x.discovery.ServiceDiscovery;
import org.apache.curator.x.discovery.ServiceDiscoveryBuilder;
import org.apache.curator.x.discovery.ServiceInstance;
import org.apache.curator.x.discovery.UriSpec;
import org.apache.curator.x.discovery.details.JsonInstanceSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.cloud.zookeeper.discovery.ZookeeperInstance;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerMapping;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

@SpringBootTest(classes = RegistryServerApplication.class, webEnvironment = WebEnvironment.RANDOM_PORT)
@Timeout(180)
class AdminApiIntegrationTests {

    private static final int AUDIT_LIMIT = 30;

    @TempDir
    static Path dataDir;

    @DynamicPropertySource
    static void registry(DynamicPropertyRegistry registry) {
        TestRegistryProperties.server(registry, () -> 0, dataDir);
        registry.add("meshkeeper.registry.api.max-request-size", () -> "8KB");
        registry.add("meshkeeper.registry.audit.limit", () -> AUDIT_LIMIT);
        TestRegistryProperties.user(registry, "olga", "operator");
        TestRegistryProperties.user(registry, "vic", "viewer");
    }

    @LocalServerPort
    int httpPort;

    @Autowired
    CuratorFramework curator;

    @Autowired
    @Qualifier("requestMappingHandlerMapping")
    RequestMappingHandlerMapping mappings;

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private final JsonMapper json = JsonMapper.builder().build();

    private final List<AutoCloseable> closeables = new ArrayList<>();

    @AfterEach
    void close() throws Exception {
        for (int i = this.closeables.size() - 1; i >= 0; i--) {
            this.closeables.get(i).close();
        }
    }

    @Test
    void servicesListShowsInstancesRegisteredInSpringCloudZookeepersFormat() throws Exception {
        register("catalog-service", "catalog-service-127.0.0.1-8081", 8081,
                Map.of("zone", "zone-a", "weight", "3", "version", "v1", "instance_status", "UP", "load", "0.42"));
        register("catalog-service", "catalog-service-127.0.0.1-8082", 8082,
                Map.of("zone", "zone-b", "instance_status", "OUT_OF_SERVICE"));

        JsonNode services = body(get("/api/v1/services", "vic"), 200).get("services");
        JsonNode catalog = find(services, "name", "catalog-service");
        assertThat(catalog.get("instances").asInt()).isEqualTo(2);
        assertThat(catalog.get("up").asInt()).isEqualTo(1);

        JsonNode service = body(get("/api/v1/services/catalog-service", "vic"), 200);
        assertThat(service.get("name").asString()).isEqualTo("catalog-service");
        JsonNode first = service.get("instances").get(0);
        assertThat(first.get("id").asString()).isEqualTo("catalog-service-127.0.0.1-8081");
        assertThat(first.get("service").asString()).isEqualTo("catalog-service");
        assertThat(first.get("address").asString()).isEqualTo("127.0.0.1");
        assertThat(first.get("port").asInt()).isEqualTo(8081);
        assertThat(first.get("sslPort").isNull()).isTrue();
        assertThat(first.get("uri").asString()).isEqualTo("http://127.0.0.1:8081");
        assertThat(first.get("zone").asString()).isEqualTo("zone-a");
        assertThat(first.get("weight").asInt()).isEqualTo(3);
        assertThat(first.get("load").asDouble()).isEqualTo(0.42);
        assertThat(first.get("version").asString()).isEqualTo("v1");
        assertThat(first.get("status").asString()).isEqualTo("UP");
        assertThat(first.get("registrationTime").asString()).endsWith("Z");
        assertThat(first.get("metadata").get("zone").asString()).isEqualTo("zone-a");

        JsonNode instance = body(get("/api/v1/services/catalog-service/instances/catalog-service-127.0.0.1-8082",
                "vic"), 200);
        assertThat(instance.get("status").asString()).isEqualTo("OUT_OF_SERVICE");
        assertThat(instance.get("weight").isNull()).isTrue();
        assertThat(instance.get("load").isNull()).isTrue();
    }

    @Test
    void statusPutChangesOnlyInstanceStatusInTheZnodeAndCuratorClientsSeeIt() throws Exception {
        ServiceDiscovery<ZookeeperInstance> discovery = register("billing-service",
                "billing-service-127.0.0.1-9001", 9001,
                Map.of("zone", "zone-a", "weight", "5", "version", "v2", "instance_status", "UP", "team", "pay"));
        String path = "/services/billing-service/billing-service-127.0.0.1-9001";
        JsonNode before = this.json.readTree(this.curator.getData().forPath(path));

        HttpResponse<String> put = put("/api/v1/services/billing-service/instances/billing-service-127.0.0.1-9001"
                + "/status", "application/json", "{\"status\":\"OUT_OF_SERVICE\"}", "olga");

        JsonNode instance = body(put, 200);
        assertThat(instance.get("status").asString()).isEqualTo("OUT_OF_SERVICE");
        JsonNode after = this.json.readTree(this.curator.getData().forPath(path));
        ObjectNode expected = (ObjectNode) before.deepCopy();
        ((ObjectNode) expected.get("payload").get("metadata")).put("instance_status", "OUT_OF_SERVICE");
        assertThat(after).isEqualTo(expected);
        assertThat(after.get("payload").get("@class").asString())
                .isEqualTo("org.springframework.cloud.zookeeper.discovery.ZookeeperInstance");
        ServiceInstance<ZookeeperInstance> seen = discovery.queryForInstance("billing-service",
                "billing-service-127.0.0.1-9001");
        assertThat(seen.getPayload().getMetadata()).containsEntry("instance_status", "OUT_OF_SERVICE")
                .containsEntry("team", "pay").containsEntry("weight", "5").containsEntry("zone", "zone-a");
        assertThat(seen.getPort()).isEqualTo(9001);

        JsonNode entry = body(get("/api/v1/audit?limit=5", "vic"), 200).get("entries").get(0);
        assertThat(entry.get("who").asString()).isEqualTo("olga");
        assertThat(entry.get("method").asString()).isEqualTo("PUT");
        assertThat(entry.get("path").asString())
                .isEqualTo("/api/v1/services/billing-service/instances/billing-service-127.0.0.1-9001/status");
        assertThat(entry.get("status").asInt()).isEqualTo(200);
        assertThat(entry.get("summary").asString()).isEqualTo("status UP -> OUT_OF_SERVICE");
        assertThat(entry.get("when").asString()).endsWith("Z");

        assertThat(body(put("/api/v1/services/billing-service/instances/billing-service-127.0.0.1-9001/status",
                "application/json", "{\"status\":\"UP\"}", "olga"), 200).get("status").asString()).isEqualTo("UP");
    }

    @Test
    void viewersReadButOnlyOperatorsChangeStatus() throws Exception {
        register("viewer-service", "viewer-service-127.0.0.1-7001", 7001, Map.of("instance_status", "UP"));

        HttpResponse<String> denied = put("/api/v1/services/viewer-service/instances/viewer-service-127.0.0.1-7001"
                + "/status", "application/json", "{\"status\":\"OUT_OF_SERVICE\"}", "vic");

        assertThat(denied.statusCode()).isEqualTo(403);
        assertThat(body(get("/api/v1/services/viewer-service/instances/viewer-service-127.0.0.1-7001", "vic"), 200)
                .get("status").asString()).isEqualTo("UP");
        assertThat(get("/api/v1/locks", null).statusCode()).isEqualTo(401);
    }

    @Test
    void configWritesAreAuditedInZooKeeperAndTheLogIsBounded() throws Exception {
        for (int i = 0; i < AUDIT_LIMIT + 5; i++) {
            body(put("/api/v1/config/audited-api/properties/greeting", "text/plain", "hello-" + i, "olga"), 200);
        }

        JsonNode entries = body(get("/api/v1/audit?limit=" + AUDIT_LIMIT, "vic"), 200).get("entries");
        assertThat(entries.size()).isEqualTo(AUDIT_LIMIT);
        assertThat(entries.get(0).get("path").asString()).isEqualTo("/api/v1/config/audited-api/properties/greeting");
        assertThat(entries.get(0).get("method").asString()).isEqualTo("PUT");
        assertThat(entries.get(0).get("who").asString()).isEqualTo("olga");
        assertThat(this.curator.getChildren().forPath("/meshkeeper/audit")).hasSizeLessThanOrEqualTo(AUDIT_LIMIT);
        assertThat(get("/api/v1/audit?limit=" + (AUDIT_LIMIT + 1), "vic").statusCode()).isEqualTo(400);
    }

    @Test
    void locksShowHolderFencingTokenAndWaitersInOrder() throws Exception {
        String path = "/meshkeeper/locks/stock-sku-41";
        InterProcessMutex holder = new HolderMutex(this.curator, path, "{\"instanceId\":\"inventory-1\",\"thread\":"
                + "\"worker-1\",\"acquiredAt\":\"2026-12-01T04:20:11Z\"}");
        assertThat(holder.acquire(5, TimeUnit.SECONDS)).isTrue();
        long token = this.curator.checkExists().forPath(path).getPzxid();

        JsonNode alone = find(body(get("/api/v1/locks", "vic"), 200).get("locks"), "name", "stock-sku-41");
        assertThat(alone.get("path").asString()).isEqualTo(path);
        assertThat(alone.get("holder").get("instanceId").asString()).isEqualTo("inventory-1");
        assertThat(alone.get("holder").get("thread").asString()).isEqualTo("worker-1");
        assertThat(alone.get("heldSince").asString()).isEqualTo("2026-12-01T04:20:11Z");
        assertThat(alone.get("fencingToken").asLong()).isEqualTo(token);
        assertThat(alone.get("waiters").isEmpty()).isTrue();

        InterProcessMutex waiter = new HolderMutex(this.curator, path, "{\"instanceId\":\"inventory-2\",\"thread\":"
                + "\"worker-2\",\"acquiredAt\":\"2026-12-01T04:20:12Z\"}");
        CompletableFuture<Boolean> waiting = CompletableFuture.supplyAsync(() -> {
            try {
                boolean acquired = waiter.acquire(20, TimeUnit.SECONDS);
                if (acquired) {
                    waiter.release();
                }
                return acquired;
            }
            catch (Exception ex) {
                throw new IllegalStateException(ex);
            }
        });
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            JsonNode lock = find(body(get("/api/v1/locks", "vic"), 200).get("locks"), "name", "stock-sku-41");
            assertThat(lock.get("holder").get("instanceId").asString()).isEqualTo("inventory-1");
            assertThat(lock.get("waiters").size()).isEqualTo(1);
            assertThat(lock.get("waiters").get(0).get("instanceId").asString()).isEqualTo("inventory-2");
            assertThat(lock.get("waiters").get(0).get("since").asString()).isEqualTo("2026-12-01T04:20:12Z");
        });
        holder.release();
        assertThat(waiting.get(20, TimeUnit.SECONDS)).isTrue();
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            // Released: listed without a holder, or no longer listed once ZooKeeper reaped the empty lock node
            // (test servers reap empty containers every 200 ms).
            JsonNode lock = findIfPresent(body(get("/api/v1/locks", "vic"), 200).get("locks"), "name",
                    "stock-sku-41");
            if (lock != null) {
                assertThat(lock.get("holder").isNull()).isTrue();
                assertThat(lock.get("fencingToken").isNull()).isTrue();
            }
        });
    }

    @Test
    void leadersShowTheLowestLatchAsLeaderAndEveryMember() throws Exception {
        String path = "/meshkeeper/leaders/reconciler-group";
        LeaderLatch first = new LeaderLatch(this.curator, path, "order-service-127.0.0.1-8080");
        first.start();
        this.closeables.add(first);
        assertThat(first.await(10, TimeUnit.SECONDS)).isTrue();
        LeaderLatch second = new LeaderLatch(this.curator, path, "order-service-127.0.0.1-8083");
        second.start();
        this.closeables.add(second);

        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            JsonNode group = find(body(get("/api/v1/leaders", "vic"), 200).get("groups"), "group",
                    "reconciler-group");
            assertThat(group.get("leader").asString()).isEqualTo("order-service-127.0.0.1-8080");
            assertThat(group.get("members").findValuesAsString("")).isEmpty();
            assertThat(List.of(group.get("members").get(0).asString(), group.get("members").get(1).asString()))
                    .containsExactly("order-service-127.0.0.1-8080", "order-service-127.0.0.1-8083");
        });
        first.close();
        this.closeables.remove(first);
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(find(body(get("/api/v1/leaders",
                "vic"), 200).get("groups"), "group", "reconciler-group").get("leader").asString())
                .isEqualTo("order-service-127.0.0.1-8083"));
    }

    @Test
    void clusterShowsTheServersRoleAndStatistics() throws Exception {
        JsonNode cluster = body(get("/api/v1/cluster", "vic"), 200);

        assertThat(cluster.get("role").asString()).isEqualTo("standalone");
        assertThat(cluster.get("serving").asBoolean()).isTrue();
        assertThat(cluster.get("clientPort").asInt()).isPositive();
        assertThat(cluster.get("zookeeperAuthentication").get("enabled").asBoolean()).isFalse();
        assertThat(cluster.get("zookeeperAuthentication").get("applications")).isEmpty();
        assertThat(cluster.get("ensemble").isNull()).isTrue();
        assertThat(cluster.get("statistics").get("znodeCount").asLong()).isPositive();
        assertThat(cluster.get("statistics").get("aliveConnections").asLong()).isPositive();
        assertThat(cluster.get("statistics").has("avgLatencyMillis")).isTrue();
    }

    @Test
    void everyEndpointAnswersBadInputWithA4xxProblemAndChangesNothing() throws Exception {
        register("guarded-service", "guarded-service-127.0.0.1-6001", 6001, Map.of("instance_status", "UP"));
        body(put("/api/v1/config/guarded-api", "application/json", "{\"properties\":{\"limit\":\"5\"}}", "olga"),
                200);
        String instance = "/api/v1/services/guarded-service/instances/guarded-service-127.0.0.1-6001";
        String big = "{\"status\":\"" + "x".repeat(9 * 1024) + "\"}";
        List<String[]> requests = List.of(
                new String[] { "GET", "/api/v1/no-such-endpoint", null, null },
                new String[] { "GET", "/api", null, null },
                new String[] { "GET", "/api/v2/services", null, null },
                new String[] { "POST", "/api/v1/services", "application/json", "{}" },
                new String[] { "DELETE", "/api/v1/services/guarded-service", null, null },
                new String[] { "GET", "/api/v1/services/no-such-service", null, null },
                new String[] { "GET", "/api/v1/services/bad%20name", null, null },
                new String[] { "GET", "/api/v1/services/guarded-service/instances/no-such-id", null, null },
                new String[] { "GET", "/api/v1/services/guarded-service/instances/bad%24id", null, null },
                new String[] { "PUT", instance + "/status", "application/json", "{" },
                new String[] { "PUT", instance + "/status", "application/json", "" },
                new String[] { "PUT", instance + "/status", "application/json", "[]" },
                new String[] { "PUT", instance + "/status", "application/json", "null" },
                new String[] { "PUT", instance + "/status", "application/json", "{\"status\":\"DOWN\"}" },
                new String[] { "PUT", instance + "/status", "application/json", "{\"status\":\"up\"}" },
                new String[] { "PUT", instance + "/status", "application/json", "{\"status\":{\"a\":1}}" },
                new String[] { "PUT", instance + "/status", "application/json", "{\"status\":[\"UP\"]}" },
                new String[] { "PUT", instance + "/status", "application/json", "{\"other\":\"UP\"}" },
                new String[] { "PUT", instance + "/status", "text/plain", "OUT_OF_SERVICE" },
                new String[] { "PUT", instance + "/status", "application/xml", "<status>UP</status>" },
                new String[] { "PUT", instance + "/status", "application/json", big },
                new String[] { "POST", instance + "/status", "application/json", "{\"status\":\"UP\"}" },
                new String[] { "DELETE", instance, null, null },
                new String[] { "PUT", "/api/v1/services/guarded-service/instances/no-such-id/status",
                        "application/json", "{\"status\":\"OUT_OF_SERVICE\"}" },
                new String[] { "PUT", "/api/v1/services/no-such-service/instances/x/status", "application/json",
                        "{\"status\":\"OUT_OF_SERVICE\"}" },
                new String[] { "PUT", "/api/v1/locks", "application/json", "{}" },
                new String[] { "DELETE", "/api/v1/leaders", null, null },
                new String[] { "POST", "/api/v1/cluster", "application/json", "{}" },
                new String[] { "GET", "/api/v1/audit?limit=abc", null, null },
                new String[] { "GET", "/api/v1/audit?limit=0", null, null },
                new String[] { "GET", "/api/v1/audit?limit=-5", null, null },
                new String[] { "DELETE", "/api/v1/audit", null, null },
                new String[] { "PUT", "/api/v1/openapi.json", "application/json", "{}" },
                new String[] { "GET", "/api/v1/config/no-such-context", null, null },
                new String[] { "GET", "/api/v1/config/bad%20context", null, null },
                new String[] { "PUT", "/api/v1/config/guarded-api", "application/json", "{" },
                new String[] { "PUT", "/api/v1/config/guarded-api", "application/json", "{\"properties\":\"x\"}" },
                new String[] { "PUT", "/api/v1/config/guarded-api", "application/json", "{\"properties\":{}}" },
                new String[] { "PUT", "/api/v1/config/guarded-api", "application/json",
                        "{\"properties\":{\"limit\":\"6\",\"bad key!\":\"1\"}}" },
                new String[] { "PUT", "/api/v1/config/guarded-api", "text/plain", "limit=6" },
                new String[] { "PUT", "/api/v1/config/guarded-api", "application/json",
                        "{\"properties\":{\"limit\":\"" + "9".repeat(9 * 1024) + "\"}}" },
                new String[] { "PUT", "/api/v1/config/guarded-api/properties/bad%20key", "text/plain", "1" },
                new String[] { "PUT", "/api/v1/config/guarded-api/properties/limit", "application/json", "6" },
                new String[] { "DELETE", "/api/v1/config/guarded-api/properties", null, null },
                new String[] { "DELETE", "/api/v1/config/no-such-context/properties/limit", null, null },
                new String[] { "GET", "/api/v1/config/no-such-context/history", null, null },
                new String[] { "GET", "/api/v1/config/guarded-api/diff", null, null },
                new String[] { "GET", "/api/v1/config/guarded-api/diff?from=a&to=1", null, null },
                new String[] { "GET", "/api/v1/config/guarded-api/diff?from=0&to=99", null, null },
                new String[] { "POST", "/api/v1/config/guarded-api/rollback", "application/json", "{" },
                new String[] { "POST", "/api/v1/config/guarded-api/rollback", "application/json", "{}" },
                new String[] { "POST", "/api/v1/config/guarded-api/rollback", "application/json",
                        "{\"version\":\"x\"}" },
                new String[] { "POST", "/api/v1/config/guarded-api/rollback", "application/json",
                        "{\"version\":99}" },
                new String[] { "GET", "/api/v1/config/guarded-api/export?format=xml", null, null },
                new String[] { "POST", "/api/v1/config/guarded-api/import?format=xml", "text/plain", "a=1" },
                new String[] { "POST", "/api/v1/config/guarded-api/import?mode=wipe", "text/plain", "a=1" },
                new String[] { "POST", "/api/v1/config/guarded-api/import?format=yaml", "application/yaml",
                        "a: [1, 2" },
                new String[] { "POST", "/api/v1/config/guarded-api/import", "application/json", "{}" },
                new String[] { "PATCH", "/api/v1/config/guarded-api", "application/json", "{}" });

        List<String> failures = new ArrayList<>();
        for (String[] request : requests) {
            HttpResponse<String> response = send(request[0], request[1], request[2], request[3], "olga");
            String label = request[0] + " " + request[1] + " [" + request[2] + "] -> " + response.statusCode();
            boolean problem = response.headers().firstValue("Content-Type").orElse("")
                    .startsWith("application/problem+json");
            if (response.statusCode() < 400 || response.statusCode() >= 500 || !problem) {
                failures.add(label + " " + response.headers().firstValue("Content-Type").orElse("") + " "
                        + response.body());
                continue;
            }
            JsonNode body = this.json.readTree(response.body());
            if (body.get("status").asInt() != response.statusCode() || body.get("detail") == null) {
                failures.add(label + " body " + response.body());
            }
        }
        assertThat(failures).isEmpty();

        JsonNode badStatus = body(send("PUT", instance + "/status", "application/json", "{\"status\":\"DOWN\"}",
                "olga"), 400);
        assertThat(badStatus.get("field").asString()).isEqualTo("status");
        JsonNode wrongType = body(send("PUT", instance + "/status", "application/json", "{\"status\":[\"UP\"]}",
                "olga"), 400);
        assertThat(wrongType.get("field").asString()).isEqualTo("status");
        assertThat(body(send("PUT", instance + "/status", "application/json", big, "olga"), 413).get("field")
                .asString()).isEqualTo("body");
        HttpResponse<String> badLimit = send("GET", "/api/v1/audit?limit=abc", null, null, "olga");
        assertThat(body(badLimit, 400).path("field").asString()).as(badLimit.body()).isEqualTo("limit");
        assertThat(send("DELETE", instance, null, null, "olga").headers().firstValue("Allow")).isPresent();

        assertThat(body(get(instance, "olga"), 200).get("status").asString()).isEqualTo("UP");
        JsonNode config = body(get("/api/v1/config/guarded-api", "olga"), 200);
        assertThat(config.get("version").asLong()).isEqualTo(1);
        assertThat(config.get("properties").size()).isEqualTo(1);
        assertThat(config.get("properties").get("limit").asString()).isEqualTo("5");
    }

    @Test
    void openApiDescriptionListsEveryApiEndpointAndMethod() throws Exception {
        JsonNode paths = body(get("/api/v1/openapi.json", "vic"), 200).get("paths");

        List<String> missing = new ArrayList<>();
        this.mappings.getHandlerMethods().forEach((info, method) -> {
            // the fallback is not an endpoint; springdoc's own mappings serve the description itself
            if (method.getBeanType() == ApiFallbackController.class || info.getPathPatternsCondition() == null
                    || !method.getBeanType().getName().startsWith("dev.meshkeeper.")) {
                return;
            }
            for (String pattern : info.getPatternValues()) {
                if (!pattern.startsWith("/api/")) {
                    continue;
                }
                for (var httpMethod : info.getMethodsCondition().getMethods()) {
                    JsonNode path = paths.get(pattern);
                    if (path == null || path.get(httpMethod.name().toLowerCase()) == null) {
                        missing.add(httpMethod + " " + pattern);
                    }
                }
            }
        });
        assertThat(missing).isEmpty();
        assertThat(paths.get("/api/v1/services/{service}/instances/{id}/status").get("put")).isNotNull();
    }

    private ServiceDiscovery<ZookeeperInstance> register(String service, String id, int port,
            Map<String, String> metadata) throws Exception {
        ServiceDiscovery<ZookeeperInstance> discovery = ServiceDiscoveryBuilder
                .builder(ZookeeperInstance.class).client(this.curator).basePath("/services")
                .serializer(new JsonInstanceSerializer<>(ZookeeperInstance.class)).watchInstances(false)
                .build();
        discovery.start();
        this.closeables.add(discovery);
        discovery.registerService(ServiceInstance.<ZookeeperInstance>builder().name(service).id(id)
                .address("127.0.0.1").port(port).uriSpec(new UriSpec("{scheme}://{address}:{port}"))
                .payload(new ZookeeperInstance(id, service, metadata)).build());
        return discovery;
    }

    private HttpResponse<String> get(String path, String user) throws Exception {
        return send("GET", path, null, null, user);
    }

    private HttpResponse<String> put(String path, String contentType, String body, String user) throws Exception {
        return send("PUT", path, contentType, body, user);
    }

    private HttpResponse<String> send(String method, String path, String contentType, String body, String user)
            throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + this.httpPort + path))
                .timeout(Duration.ofSeconds(20)).header("Accept", "application/json")
                .method(method, (body != null) ? HttpRequest.BodyPublishers.ofString(body)
                        : HttpRequest.BodyPublishers.noBody());
        if (contentType != null) {
            request.header("Content-Type", contentType);
        }
        if (user != null) {
            request.header("Authorization", "Basic " + Base64.getEncoder()
                    .encodeToString((user + ":" + user + "-pw").getBytes(StandardCharsets.UTF_8)));
        }
        return this.http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private JsonNode body(HttpResponse<String> response, int status) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        return this.json.readTree(response.body());
    }

    private static JsonNode find(JsonNode array, String field, String value) {
        JsonNode found = findIfPresent(array, field, value);
        if (found == null) {
            throw new AssertionError("no element with " + field + "=" + value + " in " + array);
        }
        return found;
    }

    private static JsonNode findIfPresent(JsonNode array, String field, String value) {
        for (JsonNode node : array) {
            if (value.equals(node.get(field).asString())) {
                return node;
            }
        }
        return null;
    }

    /** A mutex whose lock node carries holder JSON, as Meshkeeper applications write it. */
    static final class HolderMutex extends InterProcessMutex {

        private final byte[] data;

        HolderMutex(CuratorFramework client, String path, String data) {
            super(client, path);
            this.data = data.getBytes(StandardCharsets.UTF_8);
        }

        @Override
        protected byte[] getLockNodeBytes() {
            return this.data;
        }
    }
}
