package dev.meshkeeper.registry.zookeeper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.meshkeeper.registry.RegistryServerApplication;
import dev.meshkeeper.registry.TestRegistryProperties;
import dev.meshkeeper.registry.junit.FreePorts;
import dev.meshkeeper.registry.junit.TestCertificates;
import dev.meshkeeper.registry.server.RegistryServer;
import java.io.IOException;
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
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.RetryOneTime;
import org.apache.zookeeper.ClientCnxnSocketNetty;
import org.apache.zookeeper.client.ZKClientConfig;
import org.apache.zookeeper.common.ClientX509Util;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * A registry server with a TLS client port next to the plain one, requiring client certificates. ZooKeeper takes TLS
 * settings from JVM-wide system properties, so this class runs in a JVM of its own (see the tag).
 */
@SpringBootTest(classes = RegistryServerApplication.class, webEnvironment = WebEnvironment.RANDOM_PORT)
@Tag("jvm-wide-system-properties")
@ExtendWith(OutputCaptureExtension.class)
@Timeout(120)
class RegistryServerTlsTest {

    @TempDir
    static Path dataDir;

    @TempDir
    static Path certificateDir;

    @TempDir
    static Path foreignCertificateDir;

    static TestCertificates certificates;

    static TestCertificates foreignCertificates;

    static final int clientPort = FreePorts.take(1)[0];

    @DynamicPropertySource
    static void registry(DynamicPropertyRegistry registry) throws Exception {
        certificates = new TestCertificates(certificateDir).leaf("registry").leaf("app");
        foreignCertificates = new TestCertificates(foreignCertificateDir).leaf("stranger");
        TestRegistryProperties.server(registry, () -> clientPort, dataDir);
        registry.add("meshkeeper.registry.tls.secure-client-port", () -> 0);
        registry.add("meshkeeper.registry.tls.client-auth", () -> "need");
        registry.add("meshkeeper.registry.tls.key-store.location", () -> certificates.keyStore("registry"));
        registry.add("meshkeeper.registry.tls.key-store.password", () -> certificates.password());
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
    void clientWithATrustedCertificateReadsAndWritesThroughTheSecurePort() throws Exception {
        assertThat(this.server.secureClientPort()).isPresent();
        assertThat(this.server.secureClientPort().getAsInt()).isPositive().isNotEqualTo(clientPort);
        try (CuratorFramework client = client(tls(certificates.keyStore("app"), certificates.trustStore(),
                certificates.password()))) {
            assertThat(client.blockUntilConnected(20, TimeUnit.SECONDS)).isTrue();
            client.create().forPath("/tls-written", "over tls".getBytes(StandardCharsets.UTF_8));
            assertThat(new String(client.getData().forPath("/tls-written"), StandardCharsets.UTF_8))
                    .isEqualTo("over tls");
        }
    }

    @Test
    void clientThatDoesNotTrustTheServersCertificateCannotConnect() throws Exception {
        try (CuratorFramework client = client(tls(certificates.keyStore("app"), null, certificates.password()))) {
            assertThat(client.blockUntilConnected(4, TimeUnit.SECONDS)).isFalse();
        }
    }

    @Test
    void clientWithoutACertificateIsRefusedWhenClientAuthIsNeed() throws Exception {
        try (CuratorFramework client = client(tls(null, certificates.trustStore(), certificates.password()))) {
            assertThat(client.blockUntilConnected(4, TimeUnit.SECONDS)).isFalse();
        }
    }

    @Test
    void clientWithACertificateFromAnUnknownAuthorityIsRefused() throws Exception {
        ZKClientConfig config = tls(foreignCertificates.keyStore("stranger"), certificates.trustStore(), null);
        try (ClientX509Util x509 = new ClientX509Util()) {
            config.setProperty(x509.getSslKeystorePasswdProperty(), foreignCertificates.password());
            config.setProperty(x509.getSslTruststorePasswdProperty(), certificates.password());
        }
        try (CuratorFramework client = client(config)) {
            assertThat(client.blockUntilConnected(4, TimeUnit.SECONDS)).isFalse();
        }
    }

    @Test
    void plainClientCannotTalkToTheSecurePort() throws Exception {
        ZKClientConfig plain = new ZKClientConfig();
        plain.setProperty(ZKClientConfig.SECURE_CLIENT, "false");
        try (CuratorFramework client = client(plain)) {
            assertThat(client.blockUntilConnected(4, TimeUnit.SECONDS)).isFalse();
        }
    }

    @Test
    void clusterApiAndHealthShowTheSecurePortAndTheRegistryClientsStillWork() throws Exception {
        int securePort = this.server.secureClientPort().getAsInt();
        HttpResponse<String> cluster = get("/api/v1/cluster");
        assertThat(cluster.statusCode()).isEqualTo(200);
        assertThat(cluster.body()).contains("\"clientPort\":" + clientPort)
                .contains("\"secureClientPort\":" + securePort);
        assertThat(get("/actuator/health").body()).contains("\"secureClientPort\":" + securePort);
        // The config API writes through the registry's own Curator client (plain loopback port here).
        assertThat(put("/api/v1/config/tls-app", "{\"properties\":{\"greeting\":\"hello\"}}").statusCode())
                .isEqualTo(200);
        assertThat(get("/api/v1/config/tls-app").body()).contains("hello");
    }

    @Test
    void noClearTextPasswordIsLeftOnDiskOrInTheLog(CapturedOutput output) throws Exception {
        // Something is written, so the transaction log and a snapshot exist to be scanned as well.
        try (CuratorFramework client = client(tls(certificates.keyStore("app"), certificates.trustStore(),
                certificates.password()))) {
            assertThat(client.blockUntilConnected(20, TimeUnit.SECONDS)).isTrue();
            client.create().forPath("/secret-scan", "data".getBytes(StandardCharsets.UTF_8));
        }
        List<Path> files = files(dataDir);
        assertThat(files).isNotEmpty();
        assertThat(files).noneMatch(file -> file.getFileName().toString().startsWith("zookeeper.configuration"));
        byte[] secret = certificates.password().getBytes(StandardCharsets.UTF_8);
        for (Path file : files) {
            assertThat(indexOf(Files.readAllBytes(file), secret)).as("password found in %s", file).isEqualTo(-1);
        }
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(output.getAll())
                .contains("Registry server started").doesNotContain(certificates.password()));
    }

    private static List<Path> files(Path root) throws IOException {
        try (Stream<Path> walk = Files.walk(root)) {
            return walk.filter(Files::isRegularFile).toList();
        }
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        outer: for (int i = 0; i <= haystack.length - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    /**
     * A TLS client configuration. Every store key is set explicitly (a missing store as null): the server's own
     * system properties in this JVM must not stand in for a store the client lacks.
     */
    private static ZKClientConfig tls(Path keyStore, Path trustStore, String password) {
        ZKClientConfig config = new ZKClientConfig();
        config.setProperty(ZKClientConfig.SECURE_CLIENT, "true");
        config.setProperty(ZKClientConfig.ZOOKEEPER_CLIENT_CNXN_SOCKET, ClientCnxnSocketNetty.class.getName());
        try (ClientX509Util x509 = new ClientX509Util()) {
            config.setProperty(x509.getSslKeystoreLocationProperty(), (keyStore != null) ? keyStore.toString() : null);
            config.setProperty(x509.getSslKeystorePasswdProperty(), password);
            config.setProperty(x509.getSslKeystoreTypeProperty(), "PKCS12");
            config.setProperty(x509.getSslTruststoreLocationProperty(),
                    (trustStore != null) ? trustStore.toString() : null);
            config.setProperty(x509.getSslTruststorePasswdProperty(), password);
            config.setProperty(x509.getSslTruststoreTypeProperty(), (trustStore != null) ? "PKCS12" : null);
        }
        return config;
    }

    /** A client of the secure port. */
    private CuratorFramework client(ZKClientConfig config) {
        String connectString = this.server.secureConnectString().orElseThrow();
        CuratorFramework client = CuratorFrameworkFactory.builder().connectString(connectString)
                .retryPolicy(new RetryOneTime(200)).sessionTimeoutMs(10_000).connectionTimeoutMs(4_000)
                .zkClientConfig(config).build();
        client.start();
        return client;
    }

    private HttpResponse<String> get(String path) throws Exception {
        return this.http.send(request(path).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> put(String path, String json) throws Exception {
        return this.http.send(request(path).header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString(json)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + this.httpPort + path))
                .header("Authorization", "Basic " + Base64.getEncoder()
                        .encodeToString("ops:ops-pw".getBytes(StandardCharsets.UTF_8)))
                .timeout(Duration.ofSeconds(10));
    }

}
