package dev.meshkeeper.registry.junit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.meshkeeper.registry.server.Clients;
import java.time.Duration;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.Watcher.Event.KeeperState;
import org.apache.zookeeper.ZooDefs;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@EmbeddedRegistry
@Timeout(60)
class SharedRegistryTest {

    private final RegistryHandle registry;

    SharedRegistryTest(RegistryHandle registry) {
        this.registry = registry;
    }

    @Test
    void servesOnLoopbackWithARandomPort(RegistryHandle parameter) throws Exception {
        assertThat(parameter).isSameAs(this.registry);
        assertThat(this.registry.connectString()).isEqualTo("127.0.0.1:" + this.registry.port());
        assertThat(this.registry.port()).isNotEqualTo(2181);
        try (Clients.Connected client = Clients.connect(this.registry.connectString())) {
            client.zk().create("/shared-registry-test", new byte[0], ZooDefs.Ids.OPEN_ACL_UNSAFE,
                    CreateMode.EPHEMERAL);
            assertThat(client.zk().exists("/shared-registry-test", false)).isNotNull();
        }
    }

    @Test
    void cutConnectionDropsTheConnectionButNotTheSession() throws Exception {
        try (Clients.Connected client = Clients.connect(this.registry.connectString())) {
            client.zk().create("/cut-keeps-session", new byte[0], ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.EPHEMERAL);
            this.registry.cutConnection(client.zk());
            await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(client.states())
                    .containsSubsequence(KeeperState.Disconnected, KeeperState.SyncConnected));
            assertThat(client.zk().exists("/cut-keeps-session", false)).isNotNull();
        }
    }

    @Test
    void expireSessionEndsTheSessionAndItsEphemeralNodes() throws Exception {
        try (Clients.Connected client = Clients.connect(this.registry.connectString());
                Clients.Connected observer = Clients.connect(this.registry.connectString())) {
            client.zk().create("/expired-owner", new byte[0], ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.EPHEMERAL);
            this.registry.expireSession(client.zk());
            await().atMost(Duration.ofSeconds(20))
                    .untilAsserted(() -> assertThat(observer.zk().exists("/expired-owner", false)).isNull());
            await().atMost(Duration.ofSeconds(20))
                    .untilAsserted(() -> assertThat(client.states()).contains(KeeperState.Expired));
            assertThatThrownBy(() -> client.zk().exists("/", false))
                    .isInstanceOf(KeeperException.SessionExpiredException.class);
        }
    }

    @Test
    void sharedRegistryRefusesToStop() {
        assertThatThrownBy(this.registry::stop).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("dedicated = true");
        assertThat(this.registry.isRunning()).isTrue();
    }

    @Test
    void cuttingAnUnknownSessionFailsNamingIt() {
        assertThatThrownBy(() -> this.registry.cutConnection(0xabcdefL)).hasMessageContaining("0xabcdef");
    }

    @Nested
    class NestedClasses {

        @Test
        void useTheSameRegistry(RegistryHandle nested) {
            assertThat(nested).isSameAs(SharedRegistryTest.this.registry);
        }
    }
}
