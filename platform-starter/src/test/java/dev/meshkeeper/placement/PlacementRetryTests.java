package dev.meshkeeper.placement;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.meshkeeper.registry.junit.EmbeddedRegistry;
import dev.meshkeeper.registry.junit.RegistryHandle;
import java.time.Duration;
import java.util.List;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.data.ACL;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A leader whose assignment write fails tries again on a timer, so the assignment converges without any further
 * change in the group. ZooKeeper refuses the write through the assignment node's ACL; changing an ACL fires no
 * watch, so restoring it is no change any member could react to.
 */
@EmbeddedRegistry
@Timeout(60)
class PlacementRetryTests {

    final LightGroup group = new LightGroup("retry", 12, Duration.ofSeconds(2));

    @AfterEach
    void closeMembers() {
        this.group.close();
    }

    @Test
    void aLeaderWhoseAssignmentWriteFailsTriesAgainWithoutAnyFurtherMemberChange(RegistryHandle registry)
            throws Exception {
        this.group.join(registry, "a", "b");
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(this.group.ledger.owners())
                .containsOnlyKeys(this.group.items).values().containsOnly("a", "b"));
        LightMember leader = this.group.members.stream().filter(member -> member.member.leads()).findFirst().orElseThrow();
        String assignment = leader.member.view().assignmentPath();
        leader.curator.setACL().withACL(List.of(new ACL(ZooDefs.Perms.READ | ZooDefs.Perms.ADMIN,
                ZooDefs.Ids.ANYONE_ID_UNSAFE))).forPath(assignment);

        this.group.join(registry, "c");
        await().atMost(Duration.ofSeconds(10)).until(() -> leader.member.failures() >= 2);
        assertThat(this.group.ledger.owners().values()).as("nothing assigned while the write is refused")
                .doesNotContain("c");

        leader.curator.setACL().withACL(ZooDefs.Ids.OPEN_ACL_UNSAFE).forPath(assignment);
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            assertThat(this.group.ledger.owners()).containsOnlyKeys(this.group.items);
            assertThat(this.group.ledger.owners().values()).containsOnly("a", "b", "c");
            this.group.members.forEach(member -> assertThat(member.working).hasSize(4));
        });
        await().atMost(Duration.ofSeconds(5)).until(() -> leader.member.failures() == 0);
        assertThat(this.group.ledger.doubleOwnership).hasValue(0);
    }
}
