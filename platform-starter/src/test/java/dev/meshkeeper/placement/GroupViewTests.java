package dev.meshkeeper.placement;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.meshkeeper.registry.junit.EmbeddedRegistry;
import dev.meshkeeper.registry.junit.RegistryHandle;
import java.time.Duration;
import java.util.Map;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.framework.recipes.cache.ChildData;
import org.apache.curator.framework.recipes.cache.CuratorCacheListener;
import org.apache.curator.retry.ExponentialBackoffRetry;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.data.Stat;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A member's view of its group follows the members and its own claims from the cache's events (no scan of the
 * group's claims), and only the changes a member has to react to set off a reaction: not another session's new claim.
 */
@EmbeddedRegistry
@Timeout(60)
class GroupViewTests {

    static final String BASE = "/meshkeeper/placement/view";

    CuratorFramework mine;

    CuratorFramework other;

    GroupView view;

    @BeforeEach
    void start(RegistryHandle registry) throws Exception {
        this.mine = client(registry);
        this.other = client(registry);
        this.view = new GroupView(this.mine, BASE);
        this.view.onChange(() -> {
        });
        this.view.cache().start();
    }

    @AfterEach
    void close() {
        this.view.cache().close();
        this.mine.close();
        this.other.close();
    }

    @Test
    void liveMembersFollowJoinsLoadChangesAndLeaves() throws Exception {
        this.other.create().creatingParentsIfNeeded().withMode(CreateMode.EPHEMERAL)
                .forPath(BASE + "/members/a", MemberData.of(2).toJson());
        this.other.create().creatingParentsIfNeeded().withMode(CreateMode.EPHEMERAL)
                .forPath(BASE + "/members/b", MemberData.of(1).toJson());
        await().atMost(Duration.ofSeconds(10)).until(() -> this.view.liveMembers().equals(Map.of("a", 8, "b", 4)));
        long changes = this.view.membersChanges();
        this.other.setData().forPath(BASE + "/members/b", new MemberData(1, 0.95).toJson());
        this.other.delete().forPath(BASE + "/members/a");
        await().atMost(Duration.ofSeconds(10)).until(() -> this.view.liveMembers().equals(Map.of("b", 1)));
        assertThat(this.view.membersChanges()).isGreaterThan(changes);
    }

    @Test
    void anotherSessionsNewClaimSetsOffNoReactionButItsDeletionAndOwnClaimsDo() throws Exception {
        long session = this.mine.getZookeeperClient().getZooKeeper().getSessionId();
        ChildData others = claim("1", session + 1);
        ChildData own = claim("2", session);
        assertThat(this.view.changed(CuratorCacheListener.Type.NODE_CREATED, null, others))
                .as("another member's new claim frees no item").isFalse();
        assertThat(this.view.changed(CuratorCacheListener.Type.NODE_CREATED, null, own)).isTrue();
        assertThat(this.view.ownClaims()).containsExactly("2");
        assertThat(this.view.changed(CuratorCacheListener.Type.NODE_DELETED, others, null)).isTrue();
        assertThat(this.view.changed(CuratorCacheListener.Type.NODE_DELETED, own, null)).isTrue();
        assertThat(this.view.ownClaims()).isEmpty();
        assertThat(this.view.changed(CuratorCacheListener.Type.NODE_CHANGED, null,
                new ChildData(BASE + "/assignment", new Stat(), new byte[0]))).isTrue();
    }

    private static ChildData claim(String item, long session) {
        Stat stat = new Stat();
        stat.setEphemeralOwner(session);
        return new ChildData(BASE + "/owners/" + item, stat, new byte[0]);
    }

    private static CuratorFramework client(RegistryHandle registry) throws Exception {
        CuratorFramework client = CuratorFrameworkFactory.newClient(registry.connectString(), 10_000, 5_000,
                new ExponentialBackoffRetry(50, 3));
        client.start();
        client.blockUntilConnected();
        return client;
    }
}
