package dev.meshkeeper.registry.zookeeper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.meshkeeper.registry.RegistryServerApplication;
import dev.meshkeeper.registry.junit.FreePorts;
import dev.meshkeeper.registry.server.RegistryServer;
import dev.meshkeeper.registry.server.RegistryServerException;
import dev.meshkeeper.registry.server.ServerRole;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.Watcher.Event.KeeperState;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;

@ExtendWith(OutputCaptureExtension.class)
@Timeout(120)
class RegistryServerLifecycleTest {

    @TempDir
    Path dataDir;

    private ConfigurableApplicationContext run(String... properties) {
        SpringApplication application = new SpringApplication(RegistryServerApplication.class);
        application.setWebApplicationType(WebApplicationType.NONE);
        List<String> args = new ArrayList<>(List.of("--meshkeeper.registry.bind-address=127.0.0.1",
                "--meshkeeper.registry.tick-time=200ms", "--meshkeeper.registry.startup-timeout=20s"));
        for (String property : properties) {
            args.add("--" + property);
        }
        return application.run(args.toArray(String[]::new));
    }

    @Test
    void everythingPersistentSurvivesAServerRestart() throws Exception {
        int port = FreePorts.take(1)[0];
        String[] properties = { "meshkeeper.registry.client-port=" + port,
                "meshkeeper.registry.data-dir=" + this.dataDir };
        try (ConfigurableApplicationContext context = run(properties)) {
            try (ZooKeeper zk = connect("127.0.0.1:" + port)) {
                zk.create("/kept", "across restarts".getBytes(StandardCharsets.UTF_8), ZooDefs.Ids.OPEN_ACL_UNSAFE,
                        CreateMode.PERSISTENT);
            }
        }
        try (ConfigurableApplicationContext context = run(properties)) {
            try (ZooKeeper zk = connect("127.0.0.1:" + port)) {
                assertThat(new String(zk.getData("/kept", false, null), StandardCharsets.UTF_8))
                        .isEqualTo("across restarts");
            }
        }
    }

    @Test
    void closingTheContextStopsTheServerAndFreesThePort() throws Exception {
        int port = FreePorts.take(1)[0];
        RegistryServer server;
        try (ConfigurableApplicationContext context = run("meshkeeper.registry.client-port=" + port,
                "meshkeeper.registry.data-dir=" + this.dataDir)) {
            server = context.getBean(RegistryServer.class);
            assertThat(server.isRunning()).isTrue();
        }
        assertThat(server.isRunning()).isFalse();
        try (ServerSocket again = new ServerSocket()) {
            again.setReuseAddress(true);
            again.bind(new java.net.InetSocketAddress(InetAddress.getByName("127.0.0.1"), port));
        }
        // ZooKeeper's server threads (acceptor, selectors, request processors) end with the server.
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(Thread.getAllStackTraces().keySet())
                .map(Thread::getName)
                .noneMatch(name -> name.contains("meshkeeper-registry-purge-" + port) || name.endsWith(":" + port)
                        || name.contains("cport:" + port + ")")));
    }

    @Test
    void clientPortInUseFailsStartUpNamingTheProperty(CapturedOutput output) throws IOException {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            assertThatThrownBy(() -> run("meshkeeper.registry.client-port=" + taken.getLocalPort(),
                    "meshkeeper.registry.data-dir=" + this.dataDir)).hasRootCauseInstanceOf(IOException.class);
            assertThat(output).contains("meshkeeper.registry.client-port=" + taken.getLocalPort())
                    .contains("already in use").contains("Action:");
        }
    }

    @Test
    void unwritableDataDirFailsStartUpNamingTheProperty(CapturedOutput output) throws IOException {
        Path file = Files.writeString(this.dataDir.resolve("not-a-dir"), "x");
        assertThatThrownBy(() -> run("meshkeeper.registry.client-port=0",
                "meshkeeper.registry.data-dir=" + file.resolve("data")))
                .satisfies(ex -> assertThat(rootOrSelf(ex, RegistryServerException.class)).isNotNull());
        assertThat(output).contains("meshkeeper.registry.data-dir=").contains("not a writable directory");
    }

    @Test
    void ensembleWithoutThisMemberFailsStartUpNamingTheId(CapturedOutput output) {
        assertThatThrownBy(() -> run("meshkeeper.registry.client-port=0",
                "meshkeeper.registry.data-dir=" + this.dataDir, "meshkeeper.registry.ensemble.my-id=3",
                "meshkeeper.registry.ensemble.members.1=127.0.0.1:2888:3888",
                "meshkeeper.registry.ensemble.members.2=127.0.0.1:2889:3889"))
                .isInstanceOf(RuntimeException.class);
        assertThat(output).contains("meshkeeper.registry.ensemble.my-id=3").contains("not in the ensemble list");
    }

    @Test
    void nonNumericIdsFailStartUpNamingTheProperty(CapturedOutput output) {
        assertThatThrownBy(() -> run("meshkeeper.registry.client-port=0",
                "meshkeeper.registry.data-dir=" + this.dataDir, "meshkeeper.registry.ensemble.my-id=one",
                "meshkeeper.registry.ensemble.members.1=127.0.0.1:2888:3888"))
                .isInstanceOf(RuntimeException.class);
        assertThat(output).contains("meshkeeper.registry.ensemble.my-id").contains("one");

        assertThatThrownBy(() -> run("meshkeeper.registry.client-port=0",
                "meshkeeper.registry.data-dir=" + this.dataDir, "meshkeeper.registry.ensemble.my-id=1",
                "meshkeeper.registry.ensemble.members.first=127.0.0.1:2888:3888"))
                .isInstanceOf(RuntimeException.class);
        assertThat(output).contains("meshkeeper.registry.ensemble.members.first").contains("is not a number");
    }

    @Test
    void threeRegistryServersFormAnEnsembleOnLoopback() {
        int[] ports = FreePorts.take(9);
        List<ConfigurableApplicationContext> members = new ArrayList<>();
        try {
            for (int id = 1; id <= 3; id++) {
                List<String> properties = new ArrayList<>(List.of(
                        "meshkeeper.registry.client-port=" + ports[(id - 1) * 3 + 2],
                        "meshkeeper.registry.data-dir=" + this.dataDir.resolve("member-" + id),
                        "meshkeeper.registry.ensemble.my-id=" + id));
                for (int member = 1; member <= 3; member++) {
                    int base = (member - 1) * 3;
                    properties.add("meshkeeper.registry.ensemble.members." + member + "=127.0.0.1:" + ports[base]
                            + ":" + ports[base + 1] + ";" + ports[base + 2]);
                }
                members.add(run(properties.toArray(String[]::new)));
            }
            List<RegistryServer> servers = members.stream().map(context -> context.getBean(RegistryServer.class))
                    .toList();
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
                assertThat(servers).allSatisfy(server -> assertThat(server.status().serving()).isTrue());
                assertThat(servers).filteredOn(server -> server.status().role() == ServerRole.LEADER).hasSize(1);
            });
        }
        finally {
            members.forEach(ConfigurableApplicationContext::close);
        }
    }

    @Test
    void systemPropertiesAreSetBeforeZooKeeperLoadsUnlessAlreadySet() {
        System.setProperty("meshkeeper.test.preset", "from-command-line");
        try (ConfigurableApplicationContext context = run("meshkeeper.registry.client-port=0",
                "meshkeeper.registry.data-dir=" + this.dataDir,
                "meshkeeper.registry.system-properties.meshkeeper.test.set=from-config",
                "meshkeeper.registry.system-properties.meshkeeper.test.preset=from-config")) {
            assertThat(System.getProperty("meshkeeper.test.set")).isEqualTo("from-config");
            assertThat(System.getProperty("meshkeeper.test.preset")).isEqualTo("from-command-line");
        }
        finally {
            System.clearProperty("meshkeeper.test.set");
            System.clearProperty("meshkeeper.test.preset");
        }
    }

    private static <T extends Throwable> T rootOrSelf(Throwable ex, Class<T> type) {
        for (Throwable cause = ex; cause != null; cause = cause.getCause()) {
            if (type.isInstance(cause)) {
                return type.cast(cause);
            }
        }
        return null;
    }

    private static ZooKeeper connect(String connectString) throws Exception {
        CountDownLatch connected = new CountDownLatch(1);
        ZooKeeper zk = new ZooKeeper(connectString, 10_000, event -> {
            if (event.getState() == KeeperState.SyncConnected) {
                connected.countDown();
            }
        });
        if (!connected.await(15, TimeUnit.SECONDS)) {
            zk.close();
            throw new IllegalStateException("not connected to " + connectString);
        }
        return zk;
    }
}
