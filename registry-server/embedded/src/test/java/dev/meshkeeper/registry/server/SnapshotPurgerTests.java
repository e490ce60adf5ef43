package dev.meshkeeper.registry.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(30)
class SnapshotPurgerTests {

    @TempDir
    Path dataDir;

    @Test
    void zeroIntervalTurnsPurgingOff() {
        assertThat(SnapshotPurger.start(RegistryServerSettings.builder().dataDir(this.dataDir)
                .purgeInterval(Duration.ZERO).build(), 2181)).isNull();
    }

    @Test
    void purgerRunsOnANamedDaemonThreadThatStopsWhenClosed() {
        SnapshotPurger purger = SnapshotPurger.start(RegistryServerSettings.builder().dataDir(this.dataDir)
                .purgeInterval(Duration.ofMillis(50)).build(), 40125);

        await().atMost(Duration.ofSeconds(10)).until(() -> purgeThread() != null);
        assertThat(purgeThread().isDaemon()).isTrue();
        purger.close();
        await().atMost(Duration.ofSeconds(10)).until(() -> purgeThread() == null);
    }

    private static Thread purgeThread() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter((thread) -> thread.getName().equals("meshkeeper-registry-purge-40125") && thread.isAlive())
                .findFirst().orElse(null);
    }
}
