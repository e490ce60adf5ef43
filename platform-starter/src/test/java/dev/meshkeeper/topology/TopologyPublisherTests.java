package dev.meshkeeper.topology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.meshkeeper.registry.junit.EmbeddedRegistry;
import dev.meshkeeper.registry.junit.RegistryHandle;
import dev.meshkeeper.zookeeper.ZooKeeperConnectionMonitor;
import dev.meshkeeper.zookeeper.ZooKeeperRequests;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.RetryOneTime;
import org.apache.zookeeper.data.Stat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The publisher against a real ZooKeeper: one ephemeral node of this session, rewritten only on change, nothing sent
 * while ZooKeeper is away and the current report written once it is back.
 */
@EmbeddedRegistry(dedicated = true)
@Timeout(120)
class TopologyPublisherTests {

    private static final String PATH = "/meshkeeper/topology/publisher-service/publisher-1";

    @Test
    void writesOnlyOnChangeNothingWhileZooKeeperIsAwayAndTheCurrentReportOnceItIsBack(RegistryHandle registry)
            throws Exception {
        try (CuratorFramework curator = CuratorFrameworkFactory.builder().connectString(registry.connectString())
                .sessionTimeoutMs(30_000).connectionTimeoutMs(2_000).retryPolicy(new RetryOneTime(200)).build()) {
            ZooKeeperConnectionMonitor monitor = new ZooKeeperConnectionMonitor(curator, (event) -> { });
            monitor.afterPropertiesSet();
            curator.start();
            await().atMost(Duration.ofSeconds(20)).until(monitor::isConnected);
            AtomicReference<TopologyReport> current = new AtomicReference<>(report(10.0));
            TopologyPublisher publisher = new TopologyPublisher(
                    new ZooKeeperRequests(curator, monitor, Duration.ofSeconds(2), Clock.systemUTC()), monitor,
                    "/meshkeeper/topology", current::get);

            assertThat(publisher.tick()).isTrue();
            Stat stat = curator.checkExists().forPath(PATH);
            assertThat(stat.getEphemeralOwner()).isEqualTo(curator.getZookeeperClient().getZooKeeper().getSessionId());
            assertThat(node(curator)).contains("\"callsPerSecond\":10.0");

            current.set(report(10.5));
            assertThat(publisher.tick()).as("a move within 10% is not written").isFalse();
            current.set(report(20.0));
            assertThat(publisher.tick()).isTrue();
            assertThat(node(curator)).contains("\"callsPerSecond\":20.0");

            registry.stop();
            await().atMost(Duration.ofSeconds(20)).until(() -> !monitor.isConnected());
            current.set(report(40.0));
            assertThat(publisher.tick()).as("nothing is sent while ZooKeeper is away").isFalse();

            registry.start();
            await().atMost(Duration.ofSeconds(30)).until(monitor::isConnected);
            assertThat(publisher.tick()).isTrue();
            assertThat(node(curator)).contains("\"callsPerSecond\":40.0");
            assertThat(publisher.writes()).isEqualTo(3);

            publisher.withdraw();
            assertThat(curator.checkExists().forPath(PATH)).isNull();
            monitor.destroy();
        }
    }

    private static TopologyReport report(double rate) {
        return new TopologyReport("publisher-service", "publisher-1", "UP", 0, 0.1, null,
                Map.of("other-service", new CallFigures(rate, 0.0, 1.0, 2.0, 3.0)));
    }

    private static String node(CuratorFramework curator) throws Exception {
        return new String(curator.getData().forPath(PATH), StandardCharsets.UTF_8);
    }
}
