package dev.meshkeeper.registry.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class ZooKeeperConfigurationTests {

    private final RegistryServerSettings.Builder settings = RegistryServerSettings.builder().bindAddress("127.0.0.1")
            .clientPort(2181).dataDir(Path.of("build-data")).tickTime(Duration.ofMillis(500));

    @Test
    void typedSettingsBecomeZooKeeperKeysWithTheirOwnPurgingOff() {
        Properties properties = ZooKeeperConfiguration.of(this.settings.minSessionTimeout(Duration.ofSeconds(2))
                .build(), 40123, null);

        assertThat(properties).containsEntry("clientPort", "40123").containsEntry("clientPortAddress", "127.0.0.1")
                .containsEntry("tickTime", "500").containsEntry("minSessionTimeout", "2000")
                .containsEntry("autopurge.purgeInterval", "0").containsEntry("admin.enableServer", "false")
                .doesNotContainKeys("secureClientPort", "maxSessionTimeout", "initLimit", "server.1");
        assertThat(properties.getProperty("dataDir")).isEqualTo(Path.of("build-data").toAbsolutePath().toString());
    }

    @Test
    void tlsPortComesWithNettyAndARawSecurePortIsRefused() {
        Properties properties = ZooKeeperConfiguration.of(this.settings.clientPortEnabled(false).build(), 2181,
                40124);

        assertThat(properties).containsEntry("secureClientPort", "40124")
                .containsEntry("secureClientPortAddress", "127.0.0.1")
                .containsEntry("serverCnxnFactory", "org.apache.zookeeper.server.NettyServerCnxnFactory")
                .doesNotContainKeys("clientPort", "clientPortAddress");
        assertThatThrownBy(() -> ZooKeeperConfiguration.of(
                this.settings.zooKeeperProperty("secureClientPort", "1").build(), 2181, 40124))
                .isInstanceOfSatisfying(RegistryServerException.class,
                        (ex) -> assertThat(ex.getMessage()).contains("tls.secure-client-port"));
    }

    @Test
    void ensembleMembersAndDefaultLimitsAreListedAndARawLimitWins() {
        Properties properties = ZooKeeperConfiguration.of(this.settings.myId(1)
                .member(EnsembleMember.parse(1, "127.0.0.1:2888:3888"))
                .member(EnsembleMember.parse(2, "127.0.0.1:2889:3889")).zooKeeperProperty("initLimit", "20").build(),
                2181, null);

        assertThat(properties).containsEntry("initLimit", "20").containsEntry("syncLimit", "5")
                .containsEntry("server.1", EnsembleMember.parse(1, "127.0.0.1:2888:3888").toSpec())
                .containsKey("server.2");
    }
}
