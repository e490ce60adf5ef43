package dev.meshkeeper.samples.order;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.meshkeeper.registry.junit.EmbeddedRegistry;
import dev.meshkeeper.registry.junit.RegistryHandle;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.springframework.context.ConfigurableApplicationContext;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** Two order-service instances electing the one that runs the reconciliation job. */
@EmbeddedRegistry(dedicated = true)
@Timeout(180)
class OrderLeadershipTests {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private ConfigurableApplicationContext first;

    private ConfigurableApplicationContext second;

    @AfterEach
    void stop() {
        SampleApplications.close(this.first, this.second);
    }

    @Test
    void onlyTheLeaderRunsTheJobAndTheOtherTakesOverWhenTheLeaderStops(RegistryHandle registry) throws Exception {
        this.first = SampleApplications.startOrderService(registry.connectString(),
                "--orders.reconciliation-interval=200ms");
        this.second = SampleApplications.startOrderService(registry.connectString(),
                "--orders.reconciliation-interval=200ms");

        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            JsonNode a = leader(this.first);
            JsonNode b = leader(this.second);
            assertThat(a.get("leader").asBoolean() ^ b.get("leader").asBoolean()).as("exactly one leader").isTrue();
            assertThat(a.get("currentLeader").asString()).isEqualTo(b.get("currentLeader").asString());
            assertThat(a.get("group").asString()).isEqualTo("order-reconciliation");
        });
        boolean firstLeads = leader(this.first).get("leader").asBoolean();
        ConfigurableApplicationContext leader = firstLeads ? this.first : this.second;
        ConfigurableApplicationContext follower = firstLeads ? this.second : this.first;
        assertThat(leader(follower).get("currentLeader").asString())
                .isEqualTo(SampleApplications.instanceId(leader));
        await().atMost(Duration.ofSeconds(30))
                .untilAsserted(() -> assertThat(leader(leader).get("runs").asLong()).isGreaterThanOrEqualTo(3));
        assertThat(leader(follower).get("runs").asLong()).as("runs on the follower").isZero();

        String leaderId = SampleApplications.instanceId(leader);
        String followerId = SampleApplications.instanceId(follower);
        leader.close();

        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            JsonNode now = leader(follower);
            assertThat(now.get("leader").asBoolean()).isTrue();
            assertThat(now.get("currentLeader").asString()).isEqualTo(followerId).isNotEqualTo(leaderId);
            assertThat(now.get("runs").asLong()).isPositive();
        });
    }

    private static JsonNode leader(ConfigurableApplicationContext context) throws Exception {
        var response = SampleApplications.get(context, "/orders/leader");
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return JSON.readTree(response.body());
    }
}
