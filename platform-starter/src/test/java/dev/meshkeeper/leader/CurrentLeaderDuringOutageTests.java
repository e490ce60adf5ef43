package dev.meshkeeper.leader;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.meshkeeper.registry.junit.EmbeddedRegistry;
import dev.meshkeeper.registry.junit.RegistryHandle;
import dev.meshkeeper.zookeeper.ZooKeeperConnectionMonitor;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.RetryOneTime;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The current leader comes from a watch of the latch nodes and is answered from memory: every member follows a
 * change of leader without asking, and while ZooKeeper is away every member answers at once with the leader it saw
 * last, while none of them acts as leader.
 */
@EmbeddedRegistry(dedicated = true)
@Timeout(120)
class CurrentLeaderDuringOutageTests {

    static final String GROUP = "reports";

    final List<CuratorFramework> clients = new ArrayList<>();

    final List<ZooKeeperConnectionMonitor> connections = new ArrayList<>();

    final List<ClusterLeadership> members = new ArrayList<>();

    @AfterEach
    void close() {
        this.members.forEach(ClusterLeadership::stop);
        this.connections.forEach(ZooKeeperConnectionMonitor::destroy);
        this.clients.forEach(CuratorFramework::close);
    }

    @Test
    void everyMemberFollowsAChangeOfLeaderThroughItsWatch(RegistryHandle registry) {
        member(registry, "one");
        member(registry, "two");
        member(registry, "three");
        ClusterLeadership first = awaitLeader();
        String firstId = first.currentLeader(GROUP).orElseThrow();
        awaitEveryMemberSees(firstId);

        first.yield(GROUP);
        ClusterLeadership second = await().atMost(Duration.ofSeconds(10)).until(this::leader,
                leader -> leader != null && leader != first);
        String secondId = second.currentLeader(GROUP).orElseThrow();
        assertThat(secondId).isNotEqualTo(firstId);
        awaitEveryMemberSees(secondId);
    }

    @Test
    void duringAnOutageEveryMemberAnswersTheLastLeaderItSawAtOnceAndNobodyLeads(RegistryHandle registry) {
        member(registry, "one");
        member(registry, "two");
        String leaderId = awaitLeader().currentLeader(GROUP).orElseThrow();
        awaitEveryMemberSees(leaderId);

        registry.stop();
        try {
            await().atMost(Duration.ofSeconds(20))
                    .until(() -> this.connections.stream().noneMatch(ZooKeeperConnectionMonitor::isConnected));
            for (ClusterLeadership member : this.members) {
                assertThat(member.isLeader(GROUP)).as("leadership is void while disconnected").isFalse();
                // answered from memory: no wait for a server that is not there
                assertTimeoutPreemptively(Duration.ofSeconds(1),
                        () -> assertThat(member.currentLeader(GROUP)).hasValue(leaderId));
                @SuppressWarnings("unchecked")
                Map<String, Map<String, Object>> section = (Map<String, Map<String, Object>>)
                        new LeadershipEndpointContributor(member).describe();
                assertThat(section.get(GROUP)).containsEntry("leader", false).containsEntry("currentLeader",
                        leaderId);
            }
        }
        finally {
            registry.start();
        }

        ClusterLeadership leader = awaitLeader();
        awaitEveryMemberSees(leader.currentLeader(GROUP).orElseThrow());
    }

    @Test
    void aGroupThisInstanceHasNotJoinedHasNoCurrentLeader(RegistryHandle registry) {
        ClusterLeadership member = member(registry, "one");
        awaitLeader();
        assertThat(member.currentLeader("never-joined")).isEmpty();
    }

    private void awaitEveryMemberSees(String leaderId) {
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> this.members
                .forEach(member -> assertThat(member.currentLeader(GROUP)).hasValue(leaderId)));
    }

    private ClusterLeadership awaitLeader() {
        return await().atMost(Duration.ofSeconds(30)).until(this::leader, leader -> leader != null);
    }

    private ClusterLeadership leader() {
        List<ClusterLeadership> leaders = this.members.stream().filter(member -> member.isLeader(GROUP)).toList();
        return (leaders.size() == 1) ? leaders.get(0) : null;
    }

    private ClusterLeadership member(RegistryHandle registry, String id) {
        CuratorFramework client = CuratorFrameworkFactory.builder().connectString(registry.connectString())
                .retryPolicy(new RetryOneTime(100)).sessionTimeoutMs(30_000).connectionTimeoutMs(2_000).build();
        client.start();
        this.clients.add(client);
        ZooKeeperConnectionMonitor connection = new ZooKeeperConnectionMonitor(client, event -> {
        });
        connection.afterPropertiesSet();
        this.connections.add(connection);
        LeaderProperties properties = new LeaderProperties();
        properties.setGroups(List.of(GROUP));
        ClusterLeadership leadership = new ClusterLeadership(client, properties, () -> id, connection, event -> {
        }, new SimpleMeterRegistry());
        leadership.start();
        this.members.add(leadership);
        return leadership;
    }
}
