package dev.meshkeeper.zookeeper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.meshkeeper.registry.junit.TestCertificates;
import dev.meshkeeper.registry.server.RegistryServer;
import dev.meshkeeper.registry.server.RegistryServerSettings;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.RetryOneTime;
import org.apache.zookeeper.client.ZKClientConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Configuration;

/**
 * Applications connect to a ZooKeeper server that serves TLS on its secure port and requires client certificates.
 * The server's TLS settings are ZooKeeper's JVM-wide system properties, so this class runs in a JVM of its own (see
 * the tag); the clients' settings are per client and must not need any of them.
 */
@Tag("jvm-wide-system-properties")
@Timeout(180)
class ZooKeeperTlsIntegrationTests {

    @TempDir
    static Path directory;

    static TestCertificates stores;

    static RegistryServer server;

    static CuratorFramework plainClient;

    @BeforeAll
    static void startServerWithSecurePort() throws Exception {
        stores = new TestCertificates(Files.createDirectories(directory.resolve("stores"))).leaf("zookeeper")
                .leaf("inventory");
        System.setProperty("zookeeper.ssl.keyStore.location", stores.keyStore("zookeeper").toString());
        System.setProperty("zookeeper.ssl.keyStore.password", stores.password());
        System.setProperty("zookeeper.ssl.trustStore.location", stores.trustStore().toString());
        System.setProperty("zookeeper.ssl.trustStore.password", stores.password());
        System.setProperty("zookeeper.ssl.clientAuth", "need");
        server = new RegistryServer(RegistryServerSettings.builder().bindAddress("127.0.0.1").clientPort(0)
                .secureClientPort(0).dataDir(Files.createDirectories(directory.resolve("data")))
                .tickTime(Duration.ofMillis(200)).maxSessionTimeout(Duration.ofSeconds(10)).build());
        server.start();
        plainClient = CuratorFrameworkFactory.newClient(server.connectString(), new RetryOneTime(100));
        plainClient.start();
        plainClient.create().creatingParentsIfNeeded().forPath("/config/tls-inventory/greeting",
                "hello over tls".getBytes(StandardCharsets.UTF_8));
    }

    @AfterAll
    static void stopServer() {
        if (plainClient != null) {
            plainClient.close();
        }
        if (server != null) {
            server.close();
        }
    }

    @Test
    void applicationLoadsConfigAndRegistersThroughTheSecurePort() throws Exception {
        List<String> args = new ArrayList<>(List.of("--spring.application.name=tls-inventory",
                "--spring.config.import=zookeeper:", "--server.port=0",
                "--spring.cloud.zookeeper.connect-string=" + server.secureConnectString().orElseThrow(),
                "--spring.cloud.zookeeper.discovery.instance-host=127.0.0.1"));
        args.addAll(tlsArgs("inventory"));
        try (ConfigurableApplicationContext context = new SpringApplicationBuilder(TlsApp.class).run(
                args.toArray(String[]::new))) {
            assertThat(context.getEnvironment().getProperty("greeting")).isEqualTo("hello over tls");
            CuratorFramework curator = context.getBean(CuratorFramework.class);
            ZKClientConfig config = curator.getZookeeperClient().getZooKeeper().getClientConfig();
            assertThat(config.getBoolean(ZKClientConfig.SECURE_CLIENT)).isTrue();
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(
                    plainClient.getChildren().forPath("/services/tls-inventory")).hasSize(1));
        }
        // Per client, not JVM-wide: nothing was left for other clients of this JVM.
        assertThat(System.getProperty(ZKClientConfig.SECURE_CLIENT)).isNull();
        assertThat(System.getProperty(ZKClientConfig.ZOOKEEPER_CLIENT_CNXN_SOCKET)).isNull();
    }

    @Test
    void clientWithoutTheTrustStoreCannotConnect() throws Exception {
        Map<String, String> properties = Map.of("meshkeeper.zookeeper.tls.enabled", "true",
                "meshkeeper.zookeeper.tls.key-store.location", stores.keyStore("inventory").toString(),
                "meshkeeper.zookeeper.tls.key-store.password", stores.password());
        try (CuratorFramework client = customizedClient(properties)) {
            assertThat(client.blockUntilConnected(4, TimeUnit.SECONDS)).isFalse();
        }
    }

    @Test
    void clientWithoutAKeyStoreIsRefusedWhenTheServerNeedsClientCertificates() throws Exception {
        Map<String, String> properties = Map.of("meshkeeper.zookeeper.tls.enabled", "true",
                "meshkeeper.zookeeper.tls.trust-store.location", stores.trustStore().toString(),
                "meshkeeper.zookeeper.tls.trust-store.password", stores.password());
        try (CuratorFramework client = customizedClient(properties)) {
            assertThat(client.blockUntilConnected(4, TimeUnit.SECONDS)).isFalse();
        }
    }

    @Test
    void clientWithBothStoresConnectsAndTheSameSettingsWithoutTlsDoNot() throws Exception {
        Map<String, String> properties = Map.of("meshkeeper.zookeeper.tls.enabled", "true",
                "meshkeeper.zookeeper.tls.key-store.location", stores.keyStore("inventory").toString(),
                "meshkeeper.zookeeper.tls.key-store.password", stores.password(),
                "meshkeeper.zookeeper.tls.trust-store.location", "file:" + stores.trustStore(),
                "meshkeeper.zookeeper.tls.trust-store.password", stores.password());
        try (CuratorFramework client = customizedClient(properties)) {
            assertThat(client.blockUntilConnected(20, TimeUnit.SECONDS)).isTrue();
            assertThat(client.checkExists().forPath("/config/tls-inventory/greeting")).isNotNull();
        }
        Map<String, String> disabled = new HashMap<>(properties);
        disabled.put("meshkeeper.zookeeper.tls.enabled", "false");
        try (CuratorFramework client = customizedClient(disabled)) {
            assertThat(client.blockUntilConnected(4, TimeUnit.SECONDS)).isFalse();
        }
    }

    /** A Curator client of the secure port, customized the way Spring Cloud Zookeeper's clients are. */
    private static CuratorFramework customizedClient(Map<String, String> properties) {
        CuratorFrameworkFactory.Builder builder = CuratorFrameworkFactory.builder()
                .connectString(server.secureConnectString().orElseThrow()).retryPolicy(new RetryOneTime(200))
                .sessionTimeoutMs(10_000).connectionTimeoutMs(4_000);
        ZooKeeperClientSettings.customizer(new Binder(new MapConfigurationPropertySource(properties)))
                .customize(builder);
        CuratorFramework client = builder.build();
        client.start();
        return client;
    }

    private static List<String> tlsArgs(String identity) {
        return List.of("--meshkeeper.zookeeper.tls.enabled=true",
                "--meshkeeper.zookeeper.tls.key-store.location=" + stores.keyStore(identity),
                "--meshkeeper.zookeeper.tls.key-store.password=" + stores.password(),
                "--meshkeeper.zookeeper.tls.trust-store.location=" + stores.trustStore(),
                "--meshkeeper.zookeeper.tls.trust-store.password=" + stores.password());
    }

    @Configuration(proxyBeanMethods = false)
    @EnableAutoConfiguration
    static class TlsApp {

    }
}
