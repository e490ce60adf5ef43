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
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The placement protocol with members as separate ZooKeeper sessions: join, leave, crash, session expiry, leader change. */
@EmbeddedRegistry
@Timeout(120)
class PlacementProtocolTests {

    static final Duration SESSION = Duration.ofSeconds(2);

    static final List<String> ITEMS = IntStream.range(0, 12).mapToObj(Integer::toString).toList();

    final OwnershipLedger ledger = new OwnershipLedger();

    final List<LightMember> members = new ArrayList<>();

    String group;

    RegistryHandle registry;

    @BeforeEach
    void newGroup(RegistryHandle registry) {
        this.registry = registry;
        this.group = "g-" + UUID.randomUUID().toString().substring(0, 8);
    }

    @AfterEach
    void closeMembers() {
        this.members.forEach(LightMember::close);
    }

    @Test
    void everyItemHasExactlyOneOwnerAndEqualMembersDifferByAtMostOne() throws Exception {
        join("a", "b", "c");
        awaitAllOwnedBy("a", "b", "c");
        this.members.forEach(member -> assertThat(member.working).hasSize(4));
        assertThat(this.ledger.doubleOwnership).hasValue(0);
        Assignment assignment = this.members.get(0).member.assignment();
        assertThat(assignment.generation()).isPositive();
        assertThat(assignment.tokens()).hasSize(4).allSatisfy((item, token) -> assertThat(token).isPositive());
    }

    @Test
    void weightsSetEachMembersShare() throws Exception {
        this.members.add(member("heavy", 3));
        this.members.add(member("light", 1));
        awaitAllOwnedBy("heavy", "light");
        assertThat(byId("heavy").working).hasSize(9);
        assertThat(byId("light").working).hasSize(3);
    }

    @Test
    void aJoiningMemberTakesOnlyItsShareAndTheOthersKeepTheRest() throws Exception {
        join("a", "b");
        awaitAllOwnedBy("a", "b");
        Map<String, String> before = this.ledger.owners();
        int revocations = byId("a").revocations.get() + byId("b").revocations.get();
        join("c");
        awaitAllOwnedBy("a", "b", "c");
        Map<String, String> after = this.ledger.owners();
        long moved = ITEMS.stream().filter(item -> !before.get(item).equals(after.get(item))).count();
        assertThat(moved).isEqualTo(4);
        assertThat(byId("a").revocations.get() + byId("b").revocations.get() - revocations)
                .as("only the moved items were stopped; the kept ones never paused").isEqualTo(4);
        assertThat(byId("c").working).hasSize(4);
        assertThat(this.ledger.doubleOwnership).hasValue(0);
    }

    @Test
    void aGracefulLeaveHandsItsItemsOverAtOnceWithNewerTokens() throws Exception {
        join("a", "b", "c");
        awaitAllOwnedBy("a", "b", "c");
        LightMember leaving = byId("a");
        Map<String, Long> oldTokens = leaving.member.assignment().tokens();
        this.members.remove(leaving);
        leaving.close();
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(this.ledger.owners())
                .containsOnlyKeys(ITEMS).doesNotContainValue("a"));
        Map<String, Long> newTokens = new HashMap<>();
        this.members.forEach(member -> newTokens.putAll(member.member.assignment().tokens()));
        oldTokens.forEach((item, token) -> assertThat(newTokens.get(item)).isGreaterThan(token));
        assertThat(this.ledger.doubleOwnership).hasValue(0);
    }

    @Test
    void aCrashedMembersItemsMoveWhenItsSessionExpires() throws Exception {
        join("a", "b", "c");
        awaitAllOwnedBy("a", "b", "c");
        LightMember crashed = byId("b");
        this.members.remove(crashed);
        crashed.crash();
        await().atMost(SESSION.plusSeconds(8)).untilAsserted(() -> assertThat(this.ledger.owners())
                .containsOnlyKeys(ITEMS).doesNotContainValue("b"));
        assertThat(byId("a").working).hasSize(6);
        assertThat(this.ledger.doubleOwnership).hasValue(0);
    }

    @Test
    void aMemberWhoseSessionExpiresStopsItsItemsAndRejoinsWithANewSession() throws Exception {
        join("a", "b", "c");
        awaitAllOwnedBy("a", "b", "c");
        LightMember expired = byId("c");
        Map<String, Long> stale = expired.member.assignment().tokens();
        this.registry.expireSession(expired.zooKeeper());
        await().atMost(Duration.ofSeconds(10)).until(() -> expired.revocations.get() >= 4);
        await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> {
            assertThat(this.ledger.owners()).containsOnlyKeys(ITEMS);
            assertThat(expired.working).hasSize(4);
        });
        assertThat(this.ledger.doubleOwnership).hasValue(0);
        stale.forEach((item, token) -> assertThat(this.ledger.write("c", item, token)).as("late write to %s", item)
                .isFalse());
    }

    @Test
    void aLeaderChangeKeepsTheAssignmentAndRaisesTheEpoch() throws Exception {
        join("a", "b", "c");
        awaitAllOwnedBy("a", "b", "c");
        LightMember leader = this.members.stream().filter(member -> member.member.leads()).findFirst().orElseThrow();
        Assignment before = byId(other(leader.id)).member.assignment();
        Map<String, String> owners = this.ledger.owners();
        leader.member.latch().close();
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            Assignment after = byId(other(leader.id)).member.assignment();
            assertThat(after.epoch()).isGreaterThan(before.epoch());
            assertThat(after.generation()).isEqualTo(before.generation());
        });
        assertThat(this.ledger.owners()).isEqualTo(owners);
        assertThat(byId(other(leader.id)).member.assignment().tokens()).isEqualTo(before.tokens());
    }

    @Test
    void theAssignmentRecordsEachMoveWithItsOldAndNewOwner() throws Exception {
        join("a", "b", "c");
        awaitAllOwnedBy("a", "b", "c");
        Map<String, String> before = this.ledger.owners();
        // The moves of the joins (one or more generations) stay in the list; the leave's come after them.
        long joined = byId("b").member.published().generation();
        LightMember leaving = byId("a");
        this.members.remove(leaving);
        leaving.close();
        awaitAllOwnedBy("b", "c");
        Map<String, String> after = this.ledger.owners();
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
            List<PublishedAssignment.Move> moves = byId("b").member.published().moves().stream()
                    .filter(move -> move.generation() > joined).toList();
            assertThat(moves).hasSize(4).allSatisfy(move -> {
                assertThat(move.from()).isEqualTo("a").isEqualTo(before.get(move.item()));
                assertThat(move.to()).isEqualTo(after.get(move.item()));
                assertThat(move.generation()).isEqualTo(byId("b").member.published().generation());
                assertThat(move.at()).isNotBlank();
            });
        });
    }

    @Test
    void aMemberUnderHeavyLoadGetsFewerItemsAndItsFullShareBackWhenTheLoadFalls() throws Exception {
        AtomicReference<Double> load = new AtomicReference<>(0.95);
        this.members.add(new LightMember(this.registry.connectString(), SESSION, this.group, "busy", 1, ITEMS,
                this.ledger, () -> load.get()));
        this.members.add(new LightMember(this.registry.connectString(), SESSION, this.group, "idle", 1, ITEMS,
                this.ledger, () -> 0.1));
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            assertThat(this.ledger.owners()).containsOnlyKeys(ITEMS);
            assertThat(byId("busy").working).as("share 1 of 5 at load 0.95").hasSize(2);
            assertThat(byId("idle").working).hasSize(10);
        });
        load.set(0.2);
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            assertThat(byId("busy").working).hasSize(6);
            assertThat(byId("idle").working).hasSize(6);
        });
        assertThat(this.ledger.doubleOwnership).hasValue(0);
    }

    private String other(String id) {
        return id.equals("a") ? "b" : "a";
    }

    private void join(String... ids) throws Exception {
        for (String id : ids) {
            this.members.add(member(id, 1));
        }
    }

    private LightMember member(String id, int weight) throws Exception {
        return new LightMember(this.registry.connectString(), SESSION, this.group, id, weight, ITEMS, this.ledger);
    }

    private LightMember byId(String id) {
        return this.members.stream().filter(member -> member.id.equals(id)).findFirst().orElseThrow();
    }

    private void awaitAllOwnedBy(String... ids) {
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            assertThat(this.ledger.owners()).containsOnlyKeys(ITEMS);
            assertThat(this.ledger.owners().values()).containsOnly(ids);
            for (LightMember member : this.members) {
                assertThat(member.member.assignment().tokens().keySet()).isEqualTo(member.working);
            }
        });
    }
}
