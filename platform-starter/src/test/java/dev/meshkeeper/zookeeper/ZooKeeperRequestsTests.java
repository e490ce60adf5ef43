package dev.meshkeeper.zookeeper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.awaitility.Awaitility.await;

import dev.meshkeeper.registry.junit.EmbeddedRegistry;
import dev.meshkeeper.registry.junit.RegistryHandle;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.ExponentialBackoffRetry;
import org.apache.zookeeper.KeeperException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.springframework.context.ApplicationEventPublisher;

@EmbeddedRegistry(dedicated = true)
@Timeout(60)
class ZooKeeperRequestsTests {

    CuratorFramework curator;

    ZooKeeperConnectionMonitor monitor;

    ZooKeeperRequests requests;

    @BeforeEach
    void connect(RegistryHandle registry) throws Exception {
        this.curator = CuratorFrameworkFactory.builder().connectString(registry.connectString())
                .sessionTimeoutMs(10_000).connectionTimeoutMs(2_000)
                .retryPolicy(new ExponentialBackoffRetry(200, 10)).build();
        ApplicationEventPublisher ignored = event -> { };
        this.monitor = new ZooKeeperConnectionMonitor(this.curator, ignored);
        this.curator.start();
        this.curator.blockUntilConnected();
        this.monitor.afterPropertiesSet();
        this.requests = new ZooKeeperRequests(this.curator, this.monitor, Duration.ofSeconds(1), Clock.systemUTC());
    }

    @AfterEach
    void close() {
        this.monitor.destroy();
        this.curator.close();
    }

    @Test
    void aRequestReturnsTheServersAnswerAndReportsItsErrorCodes() throws Exception {
        this.requests.call("create", "/requests-test/a", (client, callback) -> client.create().creatingParentsIfNeeded()
                .inBackground(callback).forPath("/requests-test/a", "1".getBytes(StandardCharsets.UTF_8)));
        assertThat(this.requests.call("read", "/requests-test/a",
                (client, callback) -> client.getData().inBackground(callback).forPath("/requests-test/a")).getData())
                .asString(StandardCharsets.UTF_8).isEqualTo("1");
        assertThatExceptionOfType(KeeperException.BadVersionException.class)
                .isThrownBy(() -> this.requests.call("set", "/requests-test/a", (client, callback) -> client.setData()
                        .withVersion(7).inBackground(callback).forPath("/requests-test/a", new byte[0])));
        assertThatExceptionOfType(KeeperException.NodeExistsException.class)
                .isThrownBy(() -> this.requests.call("create", "/requests-test/a", (client, callback) -> client.create()
                        .inBackground(callback).forPath("/requests-test/a")));
    }

    @Test
    void whileTheServerIsAwayAWriteFailsAtOnceNamingThePathAndTheOperation(RegistryHandle registry) {
        registry.stop();
        await().atMost(Duration.ofSeconds(20)).until(() -> !this.monitor.isConnected());
        long started = System.nanoTime();
        assertThatExceptionOfType(ZooKeeperUnavailableException.class)
                .isThrownBy(() -> this.requests.call("set", "/requests-test/b", (client, callback) -> client.setData()
                        .inBackground(callback).forPath("/requests-test/b", new byte[0])))
                .satisfies(ex -> {
                    assertThat(ex.path()).isEqualTo("/requests-test/b");
                    assertThat(ex.operation()).isEqualTo("set");
                    assertThat(ex.outage()).isGreaterThanOrEqualTo(Duration.ZERO);
                    assertThat(ex.getMessage()).contains("ZooKeeper unavailable", "'/requests-test/b'", "SUSPENDED");
                });
        // generous: proves the call did not wait for Curator's retry budget
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(2));
        registry.start();
        await().atMost(Duration.ofSeconds(30)).until(this.monitor::isConnected);
    }

    @Test
    void aRequestWithoutAnAnswerEndsAfterTheOperationTimeout(RegistryHandle registry) throws Exception {
        // the monitor still believes the connection is up: only the timeout can end the wait
        ZooKeeperConnectionMonitor believesConnected = new ZooKeeperConnectionMonitor(this.curator, event -> { }) {
            @Override
            public boolean isConnected() {
                return true;
            }
        };
        ZooKeeperRequests bounded = new ZooKeeperRequests(this.curator, believesConnected, Duration.ofMillis(300),
                Clock.systemUTC());
        registry.stop();
        long started = System.nanoTime();
        assertThatExceptionOfType(ZooKeeperUnavailableException.class)
                .isThrownBy(() -> bounded.call("set", "/requests-test/c", (client, callback) -> client.setData()
                        .inBackground(callback).forPath("/requests-test/c", new byte[0])))
                .withMessageContaining("/requests-test/c");
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(3));
        registry.start();
        await().atMost(Duration.ofSeconds(30)).until(this.monitor::isConnected);
    }

    @Test
    void aTimeoutThatIsNotPositiveIsRefusedNamingTheProperty() {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> new ZooKeeperRequests(this.curator, this.monitor, Duration.ZERO, Clock.systemUTC()))
                .withMessageContaining("meshkeeper.zookeeper.operation-timeout");
    }
}
