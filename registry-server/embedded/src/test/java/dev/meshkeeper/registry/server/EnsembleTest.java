package dev.meshkeeper.registry.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.meshkeeper.registry.junit.FreePorts;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.ZooDefs;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(90)
class EnsembleTest {

    @TempDir
    Path baseDir;

    private final List<RegistryServer> members = new ArrayList<>();

    @AfterEach
    void stopAll() {
        this.members.forEach(RegistryServer::close);
    }

    @Test
    void threeMembersOnLoopbackElectALeaderAndServeOneDataTree() throws Exception {
        int[] ports = FreePorts.take(9);
        List<EnsembleMember> ensemble = new ArrayList<>();
        for (int id = 1; id <= 3; id++) {
            int base = (id - 1) * 3;
            ensemble.add(new EnsembleMember(id, "127.0.0.1", ports[base], ports[base + 1], ports[base + 2]));
        }
        for (EnsembleMember me : ensemble) {
            RegistryServerSettings.Builder settings = RegistryServerSettings.builder().bindAddress("127.0.0.1")
                    .clientPort(me.clientPort()).dataDir(this.baseDir.resolve("member-" + me.id()))
                    .tickTime(Duration.ofMillis(200)).purgeInterval(Duration.ZERO).myId(me.id())
                    .startupTimeout(Duration.ofSeconds(20));
            ensemble.forEach(settings::member);
            RegistryServer server = new RegistryServer(settings.build());
            this.members.add(server);
            server.start();
        }
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            assertThat(this.members).allSatisfy(member -> assertThat(member.status().serving()).isTrue());
            assertThat(this.members).filteredOn(member -> member.status().role() == ServerRole.LEADER).hasSize(1);
            assertThat(this.members).filteredOn(member -> member.status().role() == ServerRole.FOLLOWER).hasSize(2);
        });
        assertThat(this.members.get(0).ensembleConnectString()).isEqualTo("127.0.0.1:" + ports[2] + ",127.0.0.1:"
                + ports[5] + ",127.0.0.1:" + ports[8]);

        try (Clients.Connected writer = Clients.connect(this.members.get(0).connectString());
                Clients.Connected reader = Clients.connect(this.members.get(2).connectString())) {
            writer.zk().create("/replicated", "v".getBytes(StandardCharsets.UTF_8), ZooDefs.Ids.OPEN_ACL_UNSAFE,
                    CreateMode.PERSISTENT);
            reader.zk().sync("/replicated", (rc, path, ctx) -> {
            }, null);
            await().atMost(Duration.ofSeconds(10))
                    .untilAsserted(() -> assertThat(reader.zk().exists("/replicated", false)).isNotNull());
        }
    }
}
