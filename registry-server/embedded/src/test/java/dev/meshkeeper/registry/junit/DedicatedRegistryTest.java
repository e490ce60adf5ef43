package dev.meshkeeper.registry.junit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.meshkeeper.registry.server.Clients;
import java.time.Duration;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.Watcher.Event.KeeperState;
import org.apache.zookeeper.ZooDefs;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;

@EmbeddedRegistry(dedicated = true)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(60)
class DedicatedRegistryTest {

    @Test
    @Order(1)
    void stopAndStartKeepThePortAndTheData(RegistryHandle registry) throws Exception {
        try (Clients.Connected client = Clients.connect(registry.connectString())) {
            client.zk().create("/dedicated", new byte[0], ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
            int port = registry.port();
            registry.stop();
            assertThat(registry.isRunning()).isFalse();
            await().atMost(Duration.ofSeconds(20))
                    .untilAsserted(() -> assertThat(client.states()).contains(KeeperState.Disconnected));
            registry.start();
            assertThat(registry.port()).isEqualTo(port);
            await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(client.states())
                    .containsSubsequence(KeeperState.Disconnected, KeeperState.SyncConnected));
            assertThat(client.zk().exists("/dedicated", false)).isNotNull();
        }
        // Leave it stopped: the next test must find it running again.
        registry.stop();
    }

    @Test
    @Order(2)
    void aStoppedRegistryIsRunningAgainForTheNextTest(RegistryHandle registry) throws Exception {
        assertThat(registry.isRunning()).isTrue();
        try (Clients.Connected client = Clients.connect(registry.connectString())) {
            assertThat(client.zk().exists("/dedicated", false)).isNotNull();
        }
    }

    @Test
    @Order(3)
    void isNotTheSharedRegistry(RegistryHandle registry) {
        assertThat(registry).isNotSameAs(TestRegistries.handleFor(SharedRegistryTest.class));
    }
}
