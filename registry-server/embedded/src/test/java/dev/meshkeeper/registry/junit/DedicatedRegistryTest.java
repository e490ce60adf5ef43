package dev.meshkeeper.registry.junit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.meshkeeper.registry.server.Clients;
import java.time.Duration;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.Watcher.Event.KeeperState;
import org.apache.zookeeper.ZooDefs;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.RepetitionInfo;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@EmbeddedRegistry(dedicated = true)
@Timeout(60)
class DedicatedRegistryTest {

    @Test
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
    }

    /**
     * The first repetition leaves the registry stopped with a node in it; the next one, a separate test invocation,
     * finds it running again with the node (repetitions run in their own order, whatever the order of methods).
     */
    @RepeatedTest(2)
    void aStoppedRegistryIsRunningAgainWithItsDataForTheNextTest(RegistryHandle registry, RepetitionInfo repetition)
            throws Exception {
        assertThat(registry.isRunning()).isTrue();
        try (Clients.Connected client = Clients.connect(registry.connectString())) {
            if (repetition.getCurrentRepetition() == 1) {
                if (client.zk().exists("/left-stopped", false) == null) {
                    client.zk().create("/left-stopped", new byte[0], ZooDefs.Ids.OPEN_ACL_UNSAFE,
                            CreateMode.PERSISTENT);
                }
            }
            else {
                assertThat(client.zk().exists("/left-stopped", false)).isNotNull();
            }
        }
        if (repetition.getCurrentRepetition() == 1) {
            // Leave it stopped: the next test must find it running again.
            registry.stop();
        }
    }

    @Test
    void isNotTheSharedRegistry(RegistryHandle registry) {
        assertThat(registry).isNotSameAs(TestRegistries.handleFor(SharedRegistryTest.class));
    }
}
