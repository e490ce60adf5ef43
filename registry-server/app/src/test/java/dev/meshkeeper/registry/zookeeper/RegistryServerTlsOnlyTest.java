package dev.meshkeeper.registry.zookeeper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

import dev.meshkeeper.registry.RegistryServerApplication;
import dev.meshkeeper.registry.TestRegistryProperties;
import dev.meshkeeper.registry.junit.FreePorts;
import dev.meshkeeper.registry.junit.TestCertificates;
import dev.meshkeeper.registry.server.RegistryServer;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * A registry server that speaks only TLS to ZooKeeper clients, with client certificates required and the key store
 * password read from a file: the registry's own clients (config and admin API) connect over TLS too.
 */
@SpringBootTest(classes = RegistryServerApplication.class, webEnvironment = WebEnvironment.RANDOM_PORT)
@Tag("jvm-wide-system-properties")
@Timeout(120)
class RegistryServerTlsOnlyTest {

    @TempDir
    static Path dataDir;

    @TempDir
    static Path certificateDir;

    static TestCertificates certificates;

    static final int[] ports = FreePorts.take(2);

    @DynamicPropertySource
    static void registry(DynamicPropertyRegistry registry) throws Exception {
        certificates = new TestCertificates(certificateDir).leaf("registry");
        Path passwordFile = Files.writeString(certificateDir.resolve("key-store.password"), certificates.password());
        TestRegistryProperties.server(registry, () -> ports[0], dataDir);
        registry.add("meshkeeper.registry.tls.secure-client-port", () -> ports[1]);
        registry.add("meshkeeper.registry.tls.plain-client-port-enabled", () -> false);
        registry.add("meshkeeper.registry.tls.client-auth", () -> "need");
        registry.add("meshkeeper.registry.tls.key-store.location", () -> certificates.keyStore("registry"));
        registry.add("meshkeeper.registry.tls.key-store.password-file", () -> passwordFile);
        registry.add("meshkeeper.registry.tls.trust-store.location", () -> certificates.trustStore());
        registry.add("meshkeeper.registry.tls.trust-store.password", () -> certificates.password());
        TestRegistryProperties.user(registry, "ops", "operator");
    }

    @LocalServerPort
    int httpPort;

    @Autowired
    RegistryServer server;

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @Test
    void onlyTheSecurePortListens() {
        assertThat(this.server.secureClientPort()).hasValue(ports[1]);
        assertThat(this.server.connectString()).isEqualTo("127.0.0.1:" + ports[1]);
        assertThatExceptionOfType(ConnectException.class).isThrownBy(() -> {
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress("127.0.0.1", ports[0]), 2000);
            }
        });
    }

    @Test
    void theRegistrysOwnClientsWorkOverTls() throws Exception {
        HttpResponse<String> put = send(request("/api/v1/config/tls-only-app")
                .header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString("{\"properties\":{\"mode\":\"tls-only\"}}")));
        assertThat(put.statusCode()).isEqualTo(200);
        assertThat(send(request("/api/v1/config/tls-only-app").GET()).body()).contains("tls-only");

        HttpResponse<String> cluster = send(request("/api/v1/cluster").GET());
        assertThat(cluster.body()).contains("\"clientPort\":null").contains("\"secureClientPort\":" + ports[1])
                .contains("\"serving\":true");
    }

    @Test
    void noClearTextPasswordIsLeftInTheDataDir() throws Exception {
        assertThat(send(request("/api/v1/config/tls-only-scan").header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString("{\"properties\":{\"a\":\"b\"}}"))).statusCode())
                .isEqualTo(200);
        List<Path> files;
        try (Stream<Path> walk = Files.walk(dataDir)) {
            files = walk.filter(Files::isRegularFile).toList();
        }
        assertThat(files).isNotEmpty()
                .noneMatch(file -> file.getFileName().toString().startsWith("zookeeper.configuration"));
        for (Path file : files) {
            assertThat(new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1))
                    .as("content of %s", file).doesNotContain(certificates.password());
        }
    }

    private HttpResponse<String> send(HttpRequest.Builder request) throws IOException, InterruptedException {
        return this.http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + this.httpPort + path))
                .header("Authorization", "Basic " + Base64.getEncoder()
                        .encodeToString("ops:ops-pw".getBytes(StandardCharsets.UTF_8)))
                .timeout(Duration.ofSeconds(20));
    }
}
