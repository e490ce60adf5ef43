package dev.meshkeeper.registry.zookeeper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.meshkeeper.registry.server.RegistryServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Collections;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Protected mode: with ZooKeeper authentication off, only loopback clients reach the client ports.
 */
@Timeout(60)
class ProtectedModeTests {

    @TempDir
    Path dataDir;

    @Test
    void withAuthenticationOffTheClientPortsBindToLoopbackWhateverTheBindAddress() {
        assertThat(new ProtectedMode(false, false, "0.0.0.0").bindAddress()).isEqualTo("127.0.0.1");
        assertThat(new ProtectedMode(false, false, "192.0.2.10").bindAddress()).isEqualTo("127.0.0.1");
        assertThat(new ProtectedMode(false, false, "127.0.0.1").bindAddress()).isEqualTo("127.0.0.1");
        assertThat(new ProtectedMode(false, false, "::1").bindAddress()).isEqualTo("::1");
    }

    @Test
    void withAuthenticationOnOrRemoteClientsAllowedTheBindAddressIsKept() {
        assertThat(new ProtectedMode(true, false, "0.0.0.0").bindAddress()).isEqualTo("0.0.0.0");
        assertThat(new ProtectedMode(false, true, "0.0.0.0").bindAddress()).isEqualTo("0.0.0.0");
    }

    @Test
    void withAuthenticationOffAClientFromAnotherAddressIsNotAdmitted() throws Exception {
        InetAddress remote = InetAddress.getByName("192.0.2.77");
        InetAddress loopback = InetAddress.getByName("127.0.0.1");
        ProtectedMode protectedMode = new ProtectedMode(false, false, "0.0.0.0");
        assertThat(protectedMode.admits(remote)).isFalse();
        assertThat(protectedMode.admits(loopback)).isTrue();
        assertThat(new ProtectedMode(true, false, "0.0.0.0").admits(remote)).isTrue();
        assertThat(new ProtectedMode(false, true, "0.0.0.0").admits(remote)).isTrue();
    }

    @Test
    void theStartUpLogNamesThePropertiesThatChangeIt() {
        assertThat(new ProtectedMode(false, false, "0.0.0.0").startupMessages()).singleElement().satisfies(message -> {
            assertThat(message.warn()).isFalse();
            assertThat(message.text()).contains("protected mode").contains("meshkeeper.registry.auth.enabled=true")
                    .contains("meshkeeper.registry.allow-unauthenticated-remote-clients=true");
        });
        assertThat(new ProtectedMode(false, false, "192.0.2.10").startupMessages()).singleElement()
                .satisfies(message -> {
                    assertThat(message.warn()).as("an address chosen for the network is overridden").isTrue();
                    assertThat(message.text()).contains("meshkeeper.registry.bind-address=192.0.2.10");
                });
        assertThat(new ProtectedMode(false, true, "0.0.0.0").startupMessages()).singleElement().satisfies(message -> {
            assertThat(message.warn()).isTrue();
            assertThat(message.text()).contains("UNAUTHENTICATED").contains("meshkeeper.registry.auth.enabled=true");
        });
        assertThat(new ProtectedMode(true, false, "0.0.0.0").startupMessages()).isEmpty();
        assertThat(new ProtectedMode(false, false, "127.0.0.1").startupMessages()).singleElement()
                .satisfies(message -> assertThat(message.warn()).isFalse());
    }

    @Test
    void aDefaultServerAnswersLoopbackButNotThisMachinesNetworkAddress() throws Exception {
        InetAddress own = ownNetworkAddress().orElse(null);
        assumeTrue(own != null, "this machine has no non-loopback address");
        RegistryProperties properties = new RegistryProperties();
        properties.setClientPort(0);
        properties.setDataDir(this.dataDir);
        // the default bind address (all interfaces) and authentication off, as a registry started with no settings
        assertThat(properties.getBindAddress()).isEqualTo("0.0.0.0");
        ProtectedMode protectedMode = RegistryServerConfiguration.protectedMode(properties, null);
        try (RegistryServer server = new RegistryServer(RegistryServerConfiguration.settings(properties,
                protectedMode))) {
            server.start();
            int port = server.clientPort();
            assertThat(srvr(new InetSocketAddress(InetAddress.getLoopbackAddress(), port))).startsWith("Zookeeper version");
            assertThatExceptionOfType(IOException.class)
                    .isThrownBy(() -> srvr(new InetSocketAddress(own, port)));
        }
    }

    @Test
    void allowingRemoteClientsServesThisMachinesNetworkAddress() throws Exception {
        InetAddress own = ownNetworkAddress().orElse(null);
        assumeTrue(own != null, "this machine has no non-loopback address");
        RegistryProperties properties = new RegistryProperties();
        properties.setClientPort(0);
        properties.setDataDir(this.dataDir);
        // bound to this machine's own address only: nothing listens on other interfaces
        properties.setBindAddress(own.getHostAddress());
        properties.setAllowUnauthenticatedRemoteClients(true);
        try (RegistryServer server = new RegistryServer(RegistryServerConfiguration.settings(properties,
                RegistryServerConfiguration.protectedMode(properties, null)))) {
            server.start();
            assertThat(srvr(new InetSocketAddress(own, server.clientPort()))).startsWith("Zookeeper version");
        }
    }

    /** ZooKeeper's "srvr" four-letter command (allowed by default): answered by a server the client can reach. */
    private static String srvr(InetSocketAddress address) throws IOException {
        try (Socket socket = new Socket()) {
            socket.connect(address, 2000);
            socket.setSoTimeout(5000);
            OutputStream out = socket.getOutputStream();
            out.write("srvr".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            return new String(in.readAllBytes(), StandardCharsets.US_ASCII);
        }
    }

    /** An IPv4 address of this machine that is not loopback (local traffic only: nothing leaves the machine). */
    private static Optional<InetAddress> ownNetworkAddress() throws IOException {
        for (NetworkInterface nic : Collections.list(NetworkInterface.getNetworkInterfaces())) {
            if (!nic.isUp() || nic.isLoopback()) {
                continue;
            }
            for (InetAddress address : Collections.list(nic.getInetAddresses())) {
                if (address instanceof Inet4Address && !address.isLoopbackAddress() && !address.isLinkLocalAddress()) {
                    return Optional.of(address);
                }
            }
        }
        return Optional.empty();
    }
}
