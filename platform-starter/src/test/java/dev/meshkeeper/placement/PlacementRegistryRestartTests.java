package dev.meshkeeper.placement;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.meshkeeper.registry.junit.EmbeddedRegistry;
import dev.meshkeeper.registry.junit.RegistryHandle;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Quorum loss: every member stops all work while ZooKeeper is away, and the same owners resume when it returns. */
@EmbeddedRegistry(dedicated = true)
@Timeout(120)
class PlacementRegistryRestartTests {

    final LightGroup group = new LightGroup("restart", 9, Duration.ofSeconds(10));

    @AfterEach
    void closeMembers() {
        this.group.close();
    }

    @Test
    void workStopsWhileTheRegistryIsDownAndTheSameOwnersResumeWithTheSameTokens(RegistryHandle registry)
            throws Exception {
        this.group.join(registry, "a", "b", "c");
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(this.group.ledger.owners())
                .containsOnlyKeys(this.group.items).values().containsOnly("a", "b", "c"));
        Map<String, Map<String, Long>> before = this.group.assignments();
        long generation = this.group.members.get(0).member.assignment().generation();

        registry.stop();
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            assertThat(this.group.ledger.owners()).isEmpty();
            this.group.members.forEach(member -> assertThat(member.member.assignment().tokens()).isEmpty());
        });

        registry.start();
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
            assertThat(this.group.ledger.owners()).containsOnlyKeys(this.group.items);
            assertThat(this.group.assignments()).isEqualTo(before);
        });
        assertThat(this.group.members.get(0).member.assignment().generation()).isEqualTo(generation);
        assertThat(this.group.ledger.doubleOwnership).hasValue(0);
    }
}
