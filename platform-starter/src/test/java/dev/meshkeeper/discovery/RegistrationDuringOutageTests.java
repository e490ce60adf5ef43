package dev.meshkeeper.discovery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.meshkeeper.registry.junit.EmbeddedRegistry;
import dev.meshkeeper.registry.junit.RegistryHandle;
import dev.meshkeeper.testapps.MeshApps;
import dev.meshkeeper.zookeeper.ZooKeeperConnectionMonitor;
import java.time.Duration;
import java.util.Map;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.RetryOneTime;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * A status or metadata change while ZooKeeper is unreachable is kept in memory at once — it does not block the
 * caller (a readiness event, a shutdown) for Curator's whole retry budget — and reaches ZooKeeper when Curator
 * re-registers the instance after the connection returns. One WARN tells of it per outage, not one per change.
 */
@EmbeddedRegistry(dedicated = true)
@ExtendWith(OutputCaptureExtension.class)
@Timeout(120)
class RegistrationDuringOutageTests {

    @Test
    void aChangeDuringAnOutageReturnsAtOnceWarnsOnceAndIsWrittenOnReconnection(RegistryHandle registry,
            CapturedOutput output) throws Exception {
        try (ConfigurableApplicationContext provider = MeshApps.provider(registry.connectString(), "outage-status",
                "spring.cloud.zookeeper.session-timeout=30s")) {
            String id = MeshApps.instanceId(provider);
            InstanceRegistration registration = provider.getBean(InstanceRegistration.class);
            ZooKeeperConnectionMonitor monitor = provider.getBean(ZooKeeperConnectionMonitor.class);
            registry.stop();
            await().atMost(Duration.ofSeconds(15)).until(() -> !monitor.isConnected());

            // Spring Cloud Zookeeper's retry policy would hold a write for 15 s or more against a stopped server.
            assertTimeoutPreemptively(Duration.ofSeconds(5), () -> {
                registration.updateMetadata(Map.of("color", "violet"));
                registration.markOutOfService();
            });
            assertThat(registration.metadata()).containsEntry(WatchedInstances.STATUS_KEY, "OUT_OF_SERVICE")
                    .containsEntry("color", "violet");
            assertThat(output.getAll().lines().filter(line -> line.contains("WARN")
                    && line.contains("Curator writes it when it re-registers the instance"))).as("one WARN per outage")
                    .hasSize(1);

            registry.start();
            try (CuratorFramework reader = CuratorFrameworkFactory.newClient(registry.connectString(),
                    new RetryOneTime(100))) {
                reader.start();
                await().atMost(Duration.ofSeconds(30)).ignoreExceptions().untilAsserted(
                        () -> assertThat(MeshApps.node(reader, "outage-status", id).getPayload().getMetadata())
                                .containsEntry(WatchedInstances.STATUS_KEY, "OUT_OF_SERVICE")
                                .containsEntry("color", "violet"));
            }
        }
    }
}
