package dev.meshkeeper.registry.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.stream.Stream;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.ZooDefs;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(60)
class RegistryServerTest {

    @TempDir
    Path dataDir;

    private RegistryServerSettings.Builder settings() {
        return RegistryServerSettings.builder().bindAddress("127.0.0.1").clientPort(0).dataDir(this.dataDir)
                .tickTime(Duration.ofMillis(200)).purgeInterval(Duration.ZERO).startupTimeout(Duration.ofSeconds(20));
    }

    @Test
    void persistentDataSurvivesARestart() throws Exception {
        try (RegistryServer server = new RegistryServer(settings().build())) {
            server.start();
            int port = server.clientPort();
            assertThat(port).isPositive();
            try (Clients.Connected client = Clients.connect(server.connectString())) {
                client.zk().create("/survivor", "still here".getBytes(StandardCharsets.UTF_8),
                        ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
            }
            server.restart();
            assertThat(server.clientPort()).isEqualTo(port);
            try (Clients.Connected client = Clients.connect(server.connectString())) {
                assertThat(new String(client.zk().getData("/survivor", false, null), StandardCharsets.UTF_8))
                        .isEqualTo("still here");
            }
        }
        // A new server on the same data dir, as after a process restart.
        try (RegistryServer again = new RegistryServer(settings().build())) {
            again.start();
            try (Clients.Connected client = Clients.connect(again.connectString())) {
                assertThat(client.zk().exists("/survivor", false)).isNotNull();
            }
        }
    }

    @Test
    void reportsRoleAndStatisticsFromTheServersOwnBeans() throws Exception {
        try (RegistryServer server = new RegistryServer(settings().build())) {
            assertThat(server.status()).isEqualTo(new ServerStatus(ServerRole.STOPPED, false));
            server.start();
            assertThat(server.status()).isEqualTo(new ServerStatus(ServerRole.STANDALONE, true));
            try (Clients.Connected client = Clients.connect(server.connectString())) {
                client.zk().create("/stats", new byte[10], ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.EPHEMERAL);
                client.zk().exists("/stats", true);
                ServerStatistics statistics = server.statistics().orElseThrow();
                assertThat(statistics.aliveConnections()).isEqualTo(1);
                assertThat(statistics.ephemeralCount()).isEqualTo(1);
                assertThat(statistics.watchCount()).isEqualTo(1);
                // "/", "/zookeeper", its quota and config nodes, and ours.
                assertThat(statistics.znodeCount()).isGreaterThanOrEqualTo(5);
                assertThat(statistics.approximateDataSize()).isGreaterThanOrEqualTo(10);
            }
            server.stop();
            assertThat(server.status().role()).isEqualTo(ServerRole.STOPPED);
            assertThat(server.statistics()).isEmpty();
        }
    }

    @Test
    void terminatingAConnectionKeepsTheSession() throws Exception {
        try (RegistryServer server = new RegistryServer(settings().build());) {
            server.start();
            try (Clients.Connected client = Clients.connect(server.connectString())) {
                long session = client.zk().getSessionId();
                assertThat(server.terminateConnection(session)).isTrue();
                await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(client.states())
                        .containsSubsequence(org.apache.zookeeper.Watcher.Event.KeeperState.SyncConnected,
                                org.apache.zookeeper.Watcher.Event.KeeperState.Disconnected,
                                org.apache.zookeeper.Watcher.Event.KeeperState.SyncConnected));
                assertThat(client.zk().getSessionId()).isEqualTo(session);
                assertThat(server.terminateConnection(0x1234L)).isFalse();
            }
        }
    }

    @Test
    void generatedConfigurationFileIsNotLeftInTheDataDir() throws IOException {
        try (RegistryServer server = new RegistryServer(settings().build())) {
            server.start();
            try (Stream<Path> files = Files.list(this.dataDir)) {
                assertThat(files.map(path -> path.getFileName().toString()))
                        .noneMatch(name -> name.startsWith("zookeeper.configuration"));
            }
        }
    }

    @Test
    void clientPortInUseFailsNamingThePort() throws IOException {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            RegistryServer server = new RegistryServer(settings().clientPort(taken.getLocalPort()).build());
            assertThatThrownBy(server::start).isInstanceOfSatisfying(RegistryServerException.class, ex -> {
                assertThat(ex.getSetting()).isEqualTo("client-port");
                assertThat(ex.getValue()).isEqualTo(taken.getLocalPort());
                assertThat(ex.getMessage()).contains(String.valueOf(taken.getLocalPort())).contains("already in use");
            });
            assertThat(server.isRunning()).isFalse();
        }
    }

    @Test
    void dataDirThatIsNotWritableFailsNamingIt() throws IOException {
        Path file = Files.writeString(this.dataDir.resolve("a-file"), "not a directory");
        RegistryServer server = new RegistryServer(settings().dataDir(file.resolve("data")).build());
        assertThatThrownBy(server::start).isInstanceOfSatisfying(RegistryServerException.class, ex -> {
            assertThat(ex.getSetting()).isEqualTo("data-dir");
            assertThat(ex.getMessage()).contains(file.resolve("data").toString()).contains("writable");
        });
    }

    @Test
    void ensembleWithoutThisMemberFailsNamingTheId() {
        RegistryServer server = new RegistryServer(settings().myId(4)
                .member(EnsembleMember.parse(1, "127.0.0.1:2888:3888"))
                .member(EnsembleMember.parse(2, "127.0.0.1:2889:3889")).build());
        assertThatThrownBy(server::start).isInstanceOfSatisfying(RegistryServerException.class, ex -> {
            assertThat(ex.getSetting()).isEqualTo("ensemble.my-id");
            assertThat(ex.getMessage()).contains("4").contains("ids 1, 2");
        });
    }

    @Test
    void ensembleMemberSpecIsParsedOrRejectedWithTheSyntax() {
        assertThat(EnsembleMember.parse(2, "127.0.0.1:2888:3888;2181"))
                .isEqualTo(new EnsembleMember(2, "127.0.0.1", 2888, 3888, 2181));
        assertThat(EnsembleMember.parse(2, "127.0.0.1:2888:3888;2181").toSpec())
                .isEqualTo("127.0.0.1:2888:3888;127.0.0.1:2181");
        assertThatThrownBy(() -> EnsembleMember.parse(1, "127.0.0.1:2888"))
                .hasMessageContaining("'127.0.0.1:2888'").hasMessageContaining("host:quorumPort:electionPort");
        assertThatThrownBy(() -> EnsembleMember.parse(1, "127.0.0.1:abc:3888")).hasMessageContaining("'abc'");
        assertThatThrownBy(() -> EnsembleMember.parse(0, "127.0.0.1:1:2")).hasMessageContaining("1..255");
    }

    @Test
    void rawKeysKeepZooKeepersCaseAndCannotShadowTypedSettings() {
        RegistryServer server = new RegistryServer(settings().zooKeeperProperty("snapcount", "5000")
                .zooKeeperProperty("autopurge.snapretaincount", "x").build());
        assertThatThrownBy(server::zooKeeperProperties).isInstanceOfSatisfying(RegistryServerException.class,
                ex -> assertThat(ex.getMessage()).contains("autopurge.snapRetainCount")
                        .contains("snapshot-retain-count"));
        RegistryServer ok = new RegistryServer(settings().zooKeeperProperty("snapcount", "5000")
                .zooKeeperProperty("someFutureKey", "1").build());
        assertThat(ok.zooKeeperProperties()).containsEntry("snapCount", "5000").containsEntry("someFutureKey", "1")
                .containsEntry("admin.enableServer", "false").containsEntry("clientPortAddress", "127.0.0.1");
    }
}
