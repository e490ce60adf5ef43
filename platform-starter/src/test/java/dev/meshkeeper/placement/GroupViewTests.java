package dev.meshkeeper.placement;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.meshkeeper.registry.junit.EmbeddedRegistry;
import dev.meshkeeper.registry.junit.RegistryHandle;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.ExponentialBackoffRetry;
import org.apache.zookeeper.CreateMode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A member's view of its group follows the members and the assignment from the caches' events, and does not read
 * the group's claims at all: a claim coming or going sets off no reaction through the view ({@link ItemClaimsTests}
 * shows how a member learns that a claim it waits for went).
 */
@EmbeddedRegistry
@Timeout(60)
class GroupViewTests {

    static final String BASE = "/meshkeeper/placement/view";

    CuratorFramework mine;

    CuratorFramework other;

    GroupView view;

    final AtomicInteger reactions = new AtomicInteger();

    @BeforeEach
    void start(RegistryHandle registry) throws Exception {
        this.mine = client(registry);
        this.other = client(registry);
        this.view = new GroupView(this.mine, BASE);
        this.view.onChange(this.reactions::incrementAndGet);
        this.view.start();
    }

    @AfterEach
    void close() {
        this.view.close();
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
    void claimsComingAndGoingSetOffNoReactionWhileMemberAndAssignmentChangesDo() throws Exception {
        this.other.create().creatingParentsIfNeeded().withMode(CreateMode.EPHEMERAL)
                .forPath(BASE + "/members/a", MemberData.of(1).toJson());
        await().atMost(Duration.ofSeconds(10)).until(() -> this.view.liveMembers().containsKey("a"));
        int before = this.reactions.get();
        this.other.create().creatingParentsIfNeeded().withMode(CreateMode.EPHEMERAL)
                .forPath(BASE + "/owners/1", "a".getBytes(StandardCharsets.UTF_8));
        this.mine.create().creatingParentsIfNeeded().withMode(CreateMode.EPHEMERAL)
                .forPath(BASE + "/owners/2", "b".getBytes(StandardCharsets.UTF_8));
        this.other.delete().forPath(BASE + "/owners/1");
        this.other.create().creatingParentsIfNeeded().forPath(BASE + "/assignment", new byte[0]);
        await().atMost(Duration.ofSeconds(10)).until(() -> this.reactions.get() > before);
        assertThat(this.reactions.get()).as("only the assignment's creation, no claim").isEqualTo(before + 1);
        this.other.create().withMode(CreateMode.EPHEMERAL).forPath(BASE + "/members/b", MemberData.of(1).toJson());
        await().atMost(Duration.ofSeconds(10)).until(() -> this.reactions.get() == before + 2);
        assertThat(this.view.liveMembers()).containsOnlyKeys("a", "b");
    }

    /** A client with its own session, connected. */
    static CuratorFramework client(RegistryHandle registry) throws Exception {
        CuratorFramework client = CuratorFrameworkFactory.newClient(registry.connectString(), 10_000, 5_000,
                new ExponentialBackoffRetry(50, 3));
        client.start();
        client.blockUntilConnected();
        return client;
    }
}
