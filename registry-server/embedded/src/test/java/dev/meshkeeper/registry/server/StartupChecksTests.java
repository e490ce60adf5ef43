package dev.meshkeeper.registry.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(30)
class StartupChecksTests {

    @TempDir
    Path dataDir;

    private RegistryServerSettings.Builder settings() {
        return RegistryServerSettings.builder().bindAddress("127.0.0.1").clientPort(0).dataDir(this.dataDir);
    }

    @Test
    void unknownBindAddressFailsNamingTheSetting() {
        assertThatThrownBy(() -> StartupChecks.resolveBindAddress(settings().bindAddress("no-such-host.invalid")
                .build())).isInstanceOfSatisfying(RegistryServerException.class,
                        (ex) -> assertThat(ex.getSetting()).isEqualTo("bind-address"));
    }

    @Test
    void takenPortFailsNamingItAndPortZeroIsAlwaysFree() throws IOException {
        InetAddress loopback = InetAddress.getByName("127.0.0.1");
        try (ServerSocket taken = new ServerSocket(0, 1, loopback)) {
            assertThatThrownBy(() -> StartupChecks.checkPortFree(loopback, taken.getLocalPort(), "client-port",
                    "client port")).isInstanceOfSatisfying(RegistryServerException.class,
                            (ex) -> assertThat(ex.getMessage()).contains("client port " + taken.getLocalPort())
                                    .contains("already in use"));
        }
        assertThatCode(() -> StartupChecks.checkPortFree(loopback, 0, "client-port", "client port"))
                .doesNotThrowAnyException();
    }

    @Test
    void ensembleMemberWritesItsIdAndAMissingIdNamesTheChoices() throws IOException {
        int[] ports = freePorts();
        RegistryServerSettings.Builder ensemble = settings()
                .member(EnsembleMember.parse(1, "127.0.0.1:" + ports[0] + ":" + ports[1]))
                .member(EnsembleMember.parse(2, "127.0.0.1:" + ports[2] + ":" + ports[3]));

        assertThatThrownBy(() -> StartupChecks.prepareEnsemble(ensemble.build()))
                .isInstanceOfSatisfying(RegistryServerException.class, (ex) -> {
                    assertThat(ex.getSetting()).isEqualTo("ensemble.my-id");
                    assertThat(ex.getMessage()).contains("not set").contains("1, 2");
                });
        StartupChecks.prepareEnsemble(ensemble.myId(2).build());
        assertThat(Files.readString(this.dataDir.resolve("myid"))).isEqualTo("2\n");
    }

    private static int[] freePorts() throws IOException {
        int[] ports = new int[4];
        ServerSocket[] sockets = new ServerSocket[ports.length];
        try {
            for (int i = 0; i < ports.length; i++) {
                sockets[i] = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"));
                ports[i] = sockets[i].getLocalPort();
            }
        }
        finally {
            for (ServerSocket socket : sockets) {
                if (socket != null) {
                    socket.close();
                }
            }
        }
        return ports;
    }

    @Test
    void dataDirIsCreatedWhenMissing() {
        StartupChecks.prepareDataDir(settings().dataDir(this.dataDir.resolve("a/b")).build());

        assertThat(this.dataDir.resolve("a/b")).isDirectory();
    }
}
