package dev.meshkeeper.registry.zookeeper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.meshkeeper.registry.RegistryServerApplication;
import dev.meshkeeper.registry.junit.FreePorts;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
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
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A registry server process killed with SIGKILL right after acknowledging writes loses none of them: ZooKeeper
 * fsyncs its transaction log before it acknowledges.
 */
@Timeout(180)
class RegistryServerDurabilityTest {

    private static final int WRITES = 300;

    @TempDir
    Path dataDir;

    private final List<Process> processes = new ArrayList<>();

    @AfterEach
    void killLeftovers() {
        this.processes.forEach(Process::destroyForcibly);
    }

    @Test
    void everyAcknowledgedWriteSurvivesSigkill() throws Exception {
        int port = FreePorts.take(1)[0];
        Process first = startServer(port);
        try (ZooKeeper zk = connect(port)) {
            zk.create("/durable", new byte[0], ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
            for (int i = 0; i < WRITES; i++) {
                zk.create("/durable/n" + i, ("value-" + i).getBytes(StandardCharsets.UTF_8),
                        ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
            }
            // The last write is acknowledged: kill the server at once, no shutdown hook, no flush.
            first.destroyForcibly();
            assertThat(first.waitFor(30, TimeUnit.SECONDS)).isTrue();
            assertThat(first.exitValue()).isEqualTo(137);
        }

        startServer(port);
        try (ZooKeeper zk = connect(port)) {
            assertThat(zk.getChildren("/durable", false)).hasSize(WRITES);
            for (int i = 0; i < WRITES; i++) {
                assertThat(new String(zk.getData("/durable/n" + i, false, null), StandardCharsets.UTF_8))
                        .isEqualTo("value-" + i);
            }
        }
    }

    private Process startServer(int port) throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder builder = new ProcessBuilder(java, "-Xmx256m", "-cp", System.getProperty("java.class.path"),
                RegistryServerApplication.class.getName(), "--server.port=0",
                "--meshkeeper.registry.bind-address=127.0.0.1", "--meshkeeper.registry.client-port=" + port,
                "--meshkeeper.registry.data-dir=" + this.dataDir, "--meshkeeper.registry.tick-time=200ms",
                "--spring.main.banner-mode=off")
                .redirectErrorStream(true)
                .redirectOutput(this.dataDir.resolveSibling(this.dataDir.getFileName() + "-server.log").toFile());
        Process process = builder.start();
        this.processes.add(process);
        return process;
    }

    private static ZooKeeper connect(int port) {
        return await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200)).until(() -> {
            CountDownLatch connected = new CountDownLatch(1);
            ZooKeeper zk = new ZooKeeper("127.0.0.1:" + port, 10_000, event -> {
                if (event.getState() == KeeperState.SyncConnected) {
                    connected.countDown();
                }
            });
            if (connected.await(2, TimeUnit.SECONDS)) {
                return zk;
            }
            zk.close();
            return null;
        }, zk -> zk != null);
    }
}
