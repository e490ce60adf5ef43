package dev.meshkeeper.registry.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.meshkeeper.registry.RegistryServerApplication;
import dev.meshkeeper.registry.TestRegistryProperties;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.recipes.leader.LeaderLatch;
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
 * {@code GET /api/v1/timeline} over registrations in Spring Cloud Zookeeper's format, the admin and config APIs and a
 * Curator leader latch, on the registry's real ZooKeeper.
 */
@SpringBootTest(classes = RegistryServerApplication.class, webEnvironment = WebEnvironment.RANDOM_PORT)
@Timeout(120)
class TimelineApiIntegrationTests {

    private static final String SECRET = "s3cr3t-value-never-shown";

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
    void registrationStatusConfigAndDeregistrationAppearMostRecentFirstWithoutConfigValues() throws Exception {
        Instant start = Instant.now().minusSeconds(1);
        register("cart", "cart-1");
        await().atMost(Duration.ofSeconds(10)).until(() -> kinds("cart").contains("registration"));

        send("PUT", "/api/v1/services/cart/instances/cart-1/status", "{\"status\":\"OUT_OF_SERVICE\"}");
        await().atMost(Duration.ofSeconds(10)).until(() -> kinds("cart").contains("status"));

        send("PUT", "/api/v1/config/cart", "{\"properties\":{\"cart.api-key\":\"" + SECRET + "\"}}");
        await().atMost(Duration.ofSeconds(10)).until(() -> kinds("cart").contains("config"));

        this.curator.delete().forPath("/services/cart/cart-1");
        await().atMost(Duration.ofSeconds(10)).until(() -> kinds("cart").contains("deregistration"));

        HttpResponse<String> response = get("/api/v1/timeline?limit=500");
        assertThat(response.body()).doesNotContain(SECRET);
        List<JsonNode> entries = entries("cart");
        assertThat(entries).extracting(entry -> entry.get("kind").asString())
                .containsExactly("deregistration", "config", "status", "registration");
        JsonNode status = entries.get(2);
        assertThat(status.get("service").asString()).isEqualTo("cart");
        assertThat(status.get("subject").asString()).isEqualTo("cart/cart-1");
        assertThat(status.get("detail").asString()).contains("UP").contains("OUT_OF_SERVICE");
        assertThat(entries.get(1).get("detail").asString()).contains("cart.api-key");
        assertThat(entries.get(1).get("subject").asString()).isEqualTo("cart");
        Instant previous = Instant.now().plusSeconds(1);
        for (JsonNode entry : entries) {
            Instant at = Instant.parse(entry.get("at").asString());
            assertThat(at).isBetween(start, previous);
            previous = at;
        }
    }

    @Test
    void aNewLeaderIsALeadershipEntry() throws Exception {
        try (LeaderLatch latch = new LeaderLatch(this.curator, "/meshkeeper/leaders/billing", "billing-1")) {
            latch.start();
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(entries("billing"))
                    .anySatisfy(entry -> {
                        assertThat(entry.get("kind").asString()).isEqualTo("leadership");
                        assertThat(entry.get("detail").asString()).contains("billing-1");
                    }));
        }
    }

    @Test
    void aNewAssignmentGenerationIsAPlacementEntry() throws Exception {
        String assignment = "/meshkeeper/placement/invoicing/assignment";
        this.curator.create().creatingParentContainersIfNeeded().forPath(assignment,
                "{\"generation\":1,\"epoch\":7,\"owners\":{\"0\":\"invoicing-1\"}}".getBytes(StandardCharsets.UTF_8));
        await().atMost(Duration.ofSeconds(10)).until(() -> kinds("invoicing").contains("placement"));
        this.curator.setData().forPath(assignment,
                "{\"generation\":2,\"epoch\":7,\"owners\":{\"0\":\"invoicing-2\"}}".getBytes(StandardCharsets.UTF_8));
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(entries("invoicing").get(0)
                .get("detail").asString()).contains("generation 2 (was 1)"));
        assertThat(kinds("invoicing")).containsExactly("placement", "placement");
    }

    @Test
    void limitIsOneToFiveHundredAndDefaultsToAHundred() throws Exception {
        assertThat(get("/api/v1/timeline").statusCode()).isEqualTo(200);
        assertThat(get("/api/v1/timeline?limit=500").statusCode()).isEqualTo(200);
        for (String limit : List.of("501", "0", "many")) {
            HttpResponse<String> response = get("/api/v1/timeline?limit=" + limit);
            assertThat(response.statusCode()).as(response.body()).isEqualTo(400);
            assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(
                    (type) -> assertThat(type).startsWith("application/problem+json"));
            JsonNode problem = ApiClient.json(response.body());
            assertThat(problem.get("field").asString()).isEqualTo("limit");
            assertThat(problem.get("detail").asString()).contains(limit).contains("500");
        }
    }

    private List<String> kinds(String subject) throws Exception {
        return entries(subject).stream().map(entry -> entry.get("kind").asString()).toList();
    }

    /** The entries about {@code subject} (a service, a config context or a group), most recent first. */
    private List<JsonNode> entries(String subject) throws Exception {
        HttpResponse<String> response = get("/api/v1/timeline?limit=500");
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        List<JsonNode> entries = new ArrayList<>();
        for (JsonNode entry : ApiClient.json(response.body()).get("entries")) {
            JsonNode service = entry.get("service");
            if (entry.get("subject").asString().equals(subject)
                    || (service != null && !service.isNull() && service.asString().equals(subject))) {
                entries.add(entry);
            }
        }
        return entries;
    }

    private void register(String service, String id) throws Exception {
        this.nodes.register(service, id);
    }

    private void send(String method, String path, String body) throws Exception {
        HttpResponse<String> response = this.operator.send(method, path, body, null);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    }

    private HttpResponse<String> get(String path) throws Exception {
        return this.viewer.get(path);
    }
}
