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
import java.util.Base64;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.recipes.leader.LeaderLatch;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.data.Stat;
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
import tools.jackson.databind.json.JsonMapper;

/** {@code GET /api/v1/placement} over the work-group nodes Meshkeeper applications write. */
@SpringBootTest(classes = RegistryServerApplication.class, webEnvironment = WebEnvironment.RANDOM_PORT)
@Timeout(120)
class PlacementApiIntegrationTests {

    @TempDir
    static Path dataDir;

    @DynamicPropertySource
    static void registry(DynamicPropertyRegistry registry) {
        TestRegistryProperties.server(registry, () -> 0, dataDir);
        TestRegistryProperties.user(registry, "vic", "viewer");
    }

    @LocalServerPort
    int httpPort;

    @Autowired
    CuratorFramework curator;

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private final JsonMapper json = JsonMapper.builder().build();

    @Test
    void placementShowsLeaderGenerationMembersAndWhereEachItemRuns() throws Exception {
        String base = "/meshkeeper/placement/billing";
        try (LeaderLatch latch = new LeaderLatch(this.curator, base + "/leader", "billing-1")) {
            latch.start();
            create(base + "/members/billing-1", "{\"weight\":2}", CreateMode.EPHEMERAL);
            create(base + "/members/billing-2", "{\"weight\":1}", CreateMode.EPHEMERAL);
            create(base + "/assignment",
                    "{\"generation\":3,\"epoch\":77,\"owners\":{\"0\":\"billing-1\",\"1\":\"billing-1\",\"2\":\"billing-2\"}}",
                    CreateMode.PERSISTENT);
            create(base + "/owners/0", "billing-1", CreateMode.EPHEMERAL);
            create(base + "/owners/2", "billing-1", CreateMode.EPHEMERAL);
            Stat claim = this.curator.checkExists().forPath(base + "/owners/0");

            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
                JsonNode group = group("billing");
                assertThat(group.get("leader").asString()).isEqualTo("billing-1");
            });
            JsonNode group = group("billing");
            assertThat(group.get("generation").asLong()).isEqualTo(3);
            assertThat(group.get("epoch").asLong()).isEqualTo(77);
            assertThat(group.get("moving").asInt()).as("items 1 and 2 are not yet where assigned").isEqualTo(2);
            JsonNode first = group.get("members").get(0);
            assertThat(first.get("instanceId").asString()).isEqualTo("billing-1");
            assertThat(first.get("weight").asInt()).isEqualTo(2);
            assertThat(first.get("assigned").asInt()).isEqualTo(2);
            assertThat(first.get("running").asInt()).isEqualTo(2);
            JsonNode items = group.get("items");
            assertThat(items.size()).isEqualTo(3);
            assertThat(items.get(0).get("item").asString()).isEqualTo("0");
            assertThat(items.get(0).get("runningOn").asString()).isEqualTo("billing-1");
            assertThat(items.get(0).get("fencingToken").asLong()).isEqualTo(claim.getCzxid());
            assertThat(items.get(1).get("runningOn").isNull()).isTrue();
            assertThat(items.get(2).get("assignedTo").asString()).isEqualTo("billing-2");
            assertThat(items.get(2).get("runningOn").asString()).isEqualTo("billing-1");
        }
    }

    @Test
    void recentMovesListTheItemMovesTheLeaderPublishedNewestFirst() throws Exception {
        create("/meshkeeper/placement/shipping/assignment", "{\"generation\":5,\"epoch\":9,\"owners\":"
                + "{\"0\":\"shipping-2\",\"1\":\"shipping-2\"},\"moves\":["
                + "{\"item\":\"1\",\"from\":\"shipping-3\",\"to\":\"shipping-2\",\"generation\":5,"
                + "\"at\":\"2026-01-02T03:04:05Z\"},"
                + "{\"item\":\"0\",\"from\":\"shipping-1\",\"to\":\"shipping-2\",\"generation\":4,"
                + "\"at\":\"2026-01-02T03:00:00Z\"}]}", CreateMode.PERSISTENT);

        JsonNode moves = group("shipping").get("recentMoves");
        assertThat(moves.size()).isEqualTo(2);
        assertThat(moves.get(0).get("item").asString()).isEqualTo("1");
        assertThat(moves.get(0).get("from").asString()).isEqualTo("shipping-3");
        assertThat(moves.get(0).get("to").asString()).isEqualTo("shipping-2");
        assertThat(moves.get(0).get("generation").asLong()).isEqualTo(5);
        assertThat(moves.get(0).get("at").asString()).isEqualTo("2026-01-02T03:04:05Z");
        assertThat(moves.get(1).get("generation").asLong()).isEqualTo(4);
    }

    private void create(String path, String data, CreateMode mode) throws Exception {
        this.curator.create().creatingParentContainersIfNeeded().withMode(mode).forPath(path,
                data.getBytes(StandardCharsets.UTF_8));
    }

    private JsonNode group(String name) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + this.httpPort
                + "/api/v1/placement")).timeout(Duration.ofSeconds(20)).header("Accept", "application/json")
                .header("Authorization", "Basic " + Base64.getEncoder()
                        .encodeToString("vic:vic-pw".getBytes(StandardCharsets.UTF_8)))
                .GET().build();
        HttpResponse<String> response = this.http.send(request, HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        for (JsonNode group : this.json.readTree(response.body()).get("groups")) {
            if (group.get("group").asString().equals(name)) {
                return group;
            }
        }
        throw new AssertionError("no group " + name + " in " + response.body());
    }
}
