package dev.meshkeeper.placement;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.meshkeeper.registry.junit.EmbeddedRegistry;
import dev.meshkeeper.registry.junit.RegistryHandle;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Quorum loss: every member stops all work while ZooKeeper is away, and the same owners resume when it returns. */
@EmbeddedRegistry(dedicated = true)
@Timeout(120)
class PlacementRegistryRestartTests {

    static final List<String> ITEMS = IntStream.range(0, 9).mapToObj(Integer::toString).toList();

    final OwnershipLedger ledger = new OwnershipLedger();

    final List<LightMember> members = new ArrayList<>();

    @AfterEach
    void closeMembers() {
        this.members.forEach(LightMember::close);
    }

    @Test
    void workStopsWhileTheRegistryIsDownAndTheSameOwnersResumeWithTheSameTokens(RegistryHandle registry)
            throws Exception {
        for (String id : List.of("a", "b", "c")) {
            this.members.add(new LightMember(registry.connectString(), Duration.ofSeconds(10), "restart", id, 1,
                    ITEMS, this.ledger));
        }
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(this.ledger.owners())
                .containsOnlyKeys(ITEMS).values().containsOnly("a", "b", "c"));
        Map<String, Map<String, Long>> before = assignments();
        long generation = this.members.get(0).member.assignment().generation();

        registry.stop();
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            assertThat(this.ledger.owners()).isEmpty();
            this.members.forEach(member -> assertThat(member.member.assignment().tokens()).isEmpty());
        });

        registry.start();
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
            assertThat(this.ledger.owners()).containsOnlyKeys(ITEMS);
            assertThat(assignments()).isEqualTo(before);
        });
        assertThat(this.members.get(0).member.assignment().generation()).isEqualTo(generation);
        assertThat(this.ledger.doubleOwnership).hasValue(0);
    }

    private Map<String, Map<String, Long>> assignments() {
        Map<String, Map<String, Long>> all = new HashMap<>();
        this.members.forEach(member -> all.put(member.id, member.member.assignment().tokens()));
        return all;
    }
}
