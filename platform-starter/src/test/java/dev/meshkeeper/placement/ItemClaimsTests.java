package dev.meshkeeper.placement;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.meshkeeper.registry.junit.EmbeddedRegistry;
import dev.meshkeeper.registry.junit.RegistryHandle;
import dev.meshkeeper.zookeeper.ZooKeeperConnectionMonitor;
import dev.meshkeeper.zookeeper.ZooKeeperRequests;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.curator.framework.CuratorFramework;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.data.Stat;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A member's claims without a cache of the group's claims: a claim held by another member is watched and its
 * deletion sets off a reaction at once, and this session's own claims are remembered from its own writes.
 */
@EmbeddedRegistry
@Timeout(60)
class ItemClaimsTests {

    static final String BASE = "/meshkeeper/placement/claims";

    CuratorFramework mine;

    CuratorFramework other;

    ZooKeeperConnectionMonitor monitor;

    ItemClaims claims;

    final AtomicInteger released = new AtomicInteger();

    final Map<String, Long> started = new ConcurrentHashMap<>();

    @BeforeEach
    void start(RegistryHandle registry) throws Exception {
        this.mine = GroupViewTests.client(registry);
        this.other = GroupViewTests.client(registry);
        this.monitor = new ZooKeeperConnectionMonitor(this.mine, event -> {
        });
        this.monitor.afterPropertiesSet();
        ZooKeeperRequests requests = new ZooKeeperRequests(this.mine, this.monitor, Duration.ofSeconds(5),
                Clock.systemUTC());
        this.claims = new ItemClaims(this.mine, requests, new GroupView(this.mine, BASE), "b", "claims",
                this.released::incrementAndGet);
    }

    @AfterEach
    void close() {
        this.monitor.destroy();
        this.mine.close();
        this.other.close();
    }

    @Test
    void anItemHeldByAnotherMemberIsStartedOnceItsClaimGoesWithAHigherToken() throws Exception {
        Stat previous = new Stat();
        this.other.create().storingStatIn(previous).creatingParentsIfNeeded().withMode(CreateMode.EPHEMERAL)
                .forPath(BASE + "/owners/1", "a".getBytes(StandardCharsets.UTF_8));

        assertThat(this.claims.claimAll(List.of("1", "2"), this::start)).as("1 is still a's").isFalse();
        assertThat(this.started).containsOnlyKeys("2");
        assertThat(this.claims.claimAll(List.of("1"), this::start)).as("a held claim is not tried again").isFalse();
        assertThat(this.released).hasValue(0);

        this.other.delete().forPath(BASE + "/owners/1");
        await().atMost(Duration.ofSeconds(10)).until(() -> this.released.get() == 1);
        assertThat(this.claims.claimAll(List.of("1"), this::start)).isTrue();
        assertThat(this.started.get("1")).isGreaterThan(previous.getCzxid());
        assertThat(this.mine.checkExists().forPath(BASE + "/owners/1").getEphemeralOwner())
                .isEqualTo(this.claims.sessionId());
    }

    @Test
    void aClaimWhoseDeletionWasNotHeardOfIsLookedAtAgainAfterTheRecheckTime() throws Exception {
        this.other.create().creatingParentsIfNeeded().withMode(CreateMode.EPHEMERAL)
                .forPath(BASE + "/owners/6", "a".getBytes(StandardCharsets.UTF_8));
        assertThat(this.claims.claimAll(List.of("6"), this::start)).isFalse();
        this.mine.watchers().removeAll().forPath(BASE + "/owners/6");
        this.other.delete().forPath(BASE + "/owners/6");

        long since = System.nanoTime();
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(100))
                .until(() -> this.claims.claimAll(List.of("6"), this::start));
        assertThat(System.nanoTime() - since).as("not before the recheck time")
                .isGreaterThanOrEqualTo(Duration.ofMillis(ItemClaims.RECHECK_MILLIS / 2).toNanos());
        assertThat(this.started).containsOnlyKeys("6");
    }

    @Test
    void ownClaimsAreRememberedUntilTheirDeletionSoThatStaleOnesAreFound() throws Exception {
        assertThat(this.claims.claimAll(List.of("3", "4"), this::start)).isTrue();
        assertThat(this.claims.stale(Set.of("4"))).containsExactly("3");
        assertThat(this.claims.stale(Set.of("3", "4"))).isEmpty();

        this.claims.deleteAll(List.of("3"));
        assertThat(this.claims.stale(Set.of())).containsExactly("4");
        assertThat(this.mine.checkExists().forPath(BASE + "/owners/3")).isNull();
    }

    @Test
    void aClaimOfThisSessionThatExistsAlreadyIsTakenUpWithItsToken() throws Exception {
        Stat stat = new Stat();
        this.mine.create().storingStatIn(stat).creatingParentsIfNeeded().withMode(CreateMode.EPHEMERAL)
                .forPath(BASE + "/owners/5", "b".getBytes(StandardCharsets.UTF_8));

        assertThat(this.claims.claimAll(List.of("5"), this::start)).isTrue();
        assertThat(this.started).containsEntry("5", stat.getCzxid());
        assertThat(this.released).hasValue(0);
    }

    private boolean start(String item, long token) {
        this.started.put(item, token);
        return true;
    }
}
