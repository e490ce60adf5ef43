package dev.meshkeeper.samples.order;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.meshkeeper.registry.junit.EmbeddedRegistry;
import dev.meshkeeper.registry.junit.RegistryHandle;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.springframework.context.ConfigurableApplicationContext;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** The 12 partitions of order-processing shared by the running order-service instances. */
@EmbeddedRegistry(dedicated = true)
@Timeout(180)
class OrderPartitionsTests {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private static final List<Integer> ALL = IntStream.range(0, 12).boxed().toList();

    private ConfigurableApplicationContext first;

    private ConfigurableApplicationContext second;

    @AfterEach
    void stop() {
        SampleApplications.close(this.first, this.second);
    }

    @Test
    void partitionsAreSplitAcrossInstancesAndMoveBackWhenOneStops(RegistryHandle registry) throws Exception {
        this.first = SampleApplications.startOrderService(registry.connectString(), "--orders.partition-interval=200ms");
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(partitions(this.first)).isEqualTo(ALL));
        JsonNode alone = get(this.first);
        assertThat(alone.get("group").asString()).isEqualTo("order-processing");
        assertThat(alone.get("member").asString()).isEqualTo(SampleApplications.instanceId(this.first));
        assertThat(alone.get("generation").asLong()).isPositive();
        assertThat(alone.get("fencingTokens").propertyNames()).containsExactlyElementsOf(
                ALL.stream().map(String::valueOf).toList());
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(
                this.first.getBean(PartitionProcessing.class).runs()).hasSize(12).allSatisfy((partition, runs) ->
                        assertThat(runs).isGreaterThanOrEqualTo(2)));

        this.second = SampleApplications.startOrderService(registry.connectString(),
                "--orders.partition-interval=200ms");
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            List<Integer> a = partitions(this.first);
            List<Integer> b = partitions(this.second);
            assertThat(a).hasSize(6).isSorted();
            assertThat(b).hasSize(6).isSorted().doesNotContainAnyElementsOf(a);
        });
        JsonNode moved = get(this.second);
        assertThat(moved.get("generation").asLong()).isGreaterThan(alone.get("generation").asLong());
        for (int partition : partitions(this.second)) {
            String key = String.valueOf(partition);
            assertThat(moved.get("fencingTokens").get(key).asLong()).as("token of moved partition %s", key)
                    .isGreaterThan(alone.get("fencingTokens").get(key).asLong());
        }
        Set<String> secondOwns = new HashSet<>(partitions(this.second).stream().map(String::valueOf).toList());
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(
                this.second.getBean(PartitionProcessing.class).runs().keySet()).isEqualTo(secondOwns));

        this.second.close();
        this.second = null;
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(partitions(this.first)).isEqualTo(ALL));
    }

    private static List<Integer> partitions(ConfigurableApplicationContext context) throws Exception {
        List<Integer> partitions = new ArrayList<>();
        get(context).get("partitions").forEach(node -> partitions.add(node.asInt()));
        return partitions;
    }

    private static JsonNode get(ConfigurableApplicationContext context) throws Exception {
        var response = SampleApplications.get(context, "/orders/partitions");
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return JSON.readTree(response.body());
    }
}
