package dev.meshkeeper.leader;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.meshkeeper.registry.junit.EmbeddedRegistry;
import dev.meshkeeper.registry.junit.RegistryHandle;
import dev.meshkeeper.zookeeper.ZooKeeperConnectionMonitor;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.RetryOneTime;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The leadership epoch grows with every leadership change and is known only to the leader. */
@EmbeddedRegistry
@Timeout(60)
class LeadershipEpochTests {

    final List<CuratorFramework> clients = new ArrayList<>();

    final List<ClusterLeadership> members = new ArrayList<>();

    @AfterEach
    void close() {
        this.members.forEach(ClusterLeadership::stop);
        this.clients.forEach(CuratorFramework::close);
    }

    @Test
    void everyNewLeaderHasAHigherEpochAndFollowersHaveNone(RegistryHandle registry) {
        for (String id : List.of("one", "two", "three")) {
            member(registry, id);
        }
        long previous = 0;
        for (int change = 0; change < 3; change++) {
            ClusterLeadership leader = awaitLeader();
            OptionalLong epoch = leader.epoch("epochs");
            assertThat(epoch).isPresent();
            assertThat(epoch.getAsLong()).isGreaterThan(previous);
            this.members.stream().filter(member -> member != leader)
                    .forEach(member -> assertThat(member.epoch("epochs")).isEmpty());
            previous = epoch.getAsLong();
            leader.yield("epochs");
        }
    }

    private ClusterLeadership awaitLeader() {
        return await().atMost(Duration.ofSeconds(10)).until(
                () -> this.members.stream().filter(member -> member.isLeader("epochs")).findFirst().orElse(null),
                leader -> leader != null);
    }

    private void member(RegistryHandle registry, String id) {
        CuratorFramework client = CuratorFrameworkFactory.builder().connectString(registry.connectString())
                .retryPolicy(new RetryOneTime(100)).sessionTimeoutMs(10_000).connectionTimeoutMs(2_000).build();
        client.start();
        this.clients.add(client);
        LeaderProperties properties = new LeaderProperties();
        properties.setGroups(List.of("epochs"));
        ZooKeeperConnectionMonitor connection = new ZooKeeperConnectionMonitor(client, event -> {
        });
        connection.afterPropertiesSet();
        ClusterLeadership leadership = new ClusterLeadership(client, properties, () -> id, connection, event -> {
        }, new SimpleMeterRegistry());
        leadership.start();
        this.members.add(leadership);
    }
}
