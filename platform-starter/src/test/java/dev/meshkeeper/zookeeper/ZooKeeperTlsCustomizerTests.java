package dev.meshkeeper.zookeeper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

import dev.meshkeeper.registry.junit.TestCertificates;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.RetryOneTime;
import org.apache.zookeeper.ClientCnxnSocketNetty;
import org.apache.zookeeper.client.ZKClientConfig;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.annotation.Configuration;

/**
 * What {@code meshkeeper.zookeeper.tls.*} puts into a Curator client's own configuration, and how bad settings fail.
 * Nothing here sets a system property, so these tests share the JVM with the others.
 */
@ExtendWith(OutputCaptureExtension.class)
@Timeout(120)
class ZooKeeperTlsCustomizerTests {

    @TempDir
    static Path directory;

    static TestCertificates stores;

    @BeforeAll
    static void stores() throws Exception {
        stores = new TestCertificates(directory).leaf("inventory");
    }

    @Test
    void disabledByDefaultLeavesTheBuilderAlone() {
        CuratorFrameworkFactory.Builder builder = builder();

        customize(builder, Map.of("meshkeeper.zookeeper.tls.key-store.location", "/nowhere.p12"));

        assertThat(builder.getZkClientConfig()).isNull();
    }

    @Test
    void enabledGivesTheClientItsOwnSecureNettyConfigurationWithTheStores() {
        CuratorFrameworkFactory.Builder builder = builder();

        customize(builder, enabled());

        ZKClientConfig config = builder.getZkClientConfig();
        assertThat(config.getBoolean(ZKClientConfig.SECURE_CLIENT)).isTrue();
        assertThat(config.getProperty(ZKClientConfig.ZOOKEEPER_CLIENT_CNXN_SOCKET))
                .isEqualTo(ClientCnxnSocketNetty.class.getName());
        assertThat(config.getProperty("zookeeper.ssl.keyStore.location"))
                .isEqualTo(stores.keyStore("inventory").toAbsolutePath().toString());
        assertThat(config.getProperty("zookeeper.ssl.keyStore.password")).isEqualTo(stores.password());
        assertThat(config.getProperty("zookeeper.ssl.keyStore.type")).isEqualTo("PKCS12");
        assertThat(config.getProperty("zookeeper.ssl.trustStore.location"))
                .isEqualTo(stores.trustStore().toAbsolutePath().toString());
        assertThat(config.getProperty("zookeeper.ssl.hostnameVerification")).isEqualTo("true");
        assertThat(System.getProperty("zookeeper.ssl.keyStore.location")).isNull();
        assertThat(System.getProperty(ZKClientConfig.SECURE_CLIENT)).isNull();
    }

    @Test
    void addsToAConfigurationAnotherCustomizerAlreadyGaveTheBuilder() {
        ZKClientConfig existing = new ZKClientConfig();
        existing.setProperty("zookeeper.request.timeout", "7000");
        CuratorFrameworkFactory.Builder builder = builder().zkClientConfig(existing);

        customize(builder, enabled());

        assertThat(builder.getZkClientConfig()).isSameAs(existing);
        assertThat(existing.getProperty("zookeeper.request.timeout")).isEqualTo("7000");
        assertThat(existing.getBoolean(ZKClientConfig.SECURE_CLIENT)).isTrue();
    }

    @Test
    void aStoreTheClientLacksIsNeverTakenFromJvmWideSystemProperties() {
        Map<String, String> properties = Map.of("meshkeeper.zookeeper.tls.enabled", "true",
                "meshkeeper.zookeeper.tls.trust-store.location", stores.trustStore().toString(),
                "meshkeeper.zookeeper.tls.trust-store.password", stores.password());
        CuratorFrameworkFactory.Builder builder = builder();

        customize(builder, properties);

        assertThat(builder.getZkClientConfig().getProperty("zookeeper.ssl.keyStore.location")).isNull();
        assertThat(builder.getZkClientConfig().getProperty("zookeeper.ssl.keyStore.password")).isNull();
    }

    @Test
    void passwordFileIsHandedToZooKeeperAsAPathNotAsTheSecret() throws Exception {
        Path passwordFile = Files.writeString(directory.resolve("store.password"), stores.password());
        Map<String, String> properties = new HashMap<>(enabled());
        properties.remove("meshkeeper.zookeeper.tls.key-store.password");
        properties.put("meshkeeper.zookeeper.tls.key-store.password-file", passwordFile.toString());
        CuratorFrameworkFactory.Builder builder = builder();

        customize(builder, properties);

        ZKClientConfig config = builder.getZkClientConfig();
        assertThat(config.getProperty("zookeeper.ssl.keyStore.passwordPath"))
                .isEqualTo(passwordFile.toAbsolutePath().toString());
        assertThat(config.getProperty("zookeeper.ssl.keyStore.password")).isNull();
    }

    @Test
    void jksSslBundleWithFileLocationsSuppliesTheStores() {
        Map<String, String> properties = Map.of("meshkeeper.zookeeper.tls.enabled", "true",
                "meshkeeper.zookeeper.tls.bundle", "zk",
                "spring.ssl.bundle.jks.zk.keystore.location", "file:" + stores.keyStore("inventory"),
                "spring.ssl.bundle.jks.zk.keystore.password", stores.password(),
                "spring.ssl.bundle.jks.zk.truststore.location", "file:" + stores.trustStore(),
                "spring.ssl.bundle.jks.zk.truststore.password", stores.password());
        CuratorFrameworkFactory.Builder builder = builder();

        customize(builder, properties);

        ZKClientConfig config = builder.getZkClientConfig();
        assertThat(config.getProperty("zookeeper.ssl.keyStore.location"))
                .isEqualTo(stores.keyStore("inventory").toAbsolutePath().toString());
        assertThat(config.getProperty("zookeeper.ssl.trustStore.password")).isEqualTo(stores.password());
    }

    @Test
    void unknownBundleFailsNamingTheBundleProperty() {
        assertThatExceptionOfType(InvalidConfigurationPropertyValueException.class)
                .isThrownBy(() -> customize(builder(), Map.of("meshkeeper.zookeeper.tls.enabled", "true",
                        "meshkeeper.zookeeper.tls.bundle", "missing")))
                .satisfies(ex -> assertThat(ex.getName()).isEqualTo("meshkeeper.zookeeper.tls.bundle"))
                .withMessageContaining("spring.ssl.bundle.jks.missing");
    }

    @Test
    void missingStoreFileFailsNamingTheLocationProperty() {
        Map<String, String> properties = new HashMap<>(enabled());
        properties.put("meshkeeper.zookeeper.tls.trust-store.location", directory.resolve("absent.p12").toString());

        assertThatExceptionOfType(InvalidConfigurationPropertyValueException.class)
                .isThrownBy(() -> customize(builder(), properties))
                .satisfies(ex -> assertThat(ex.getName()).isEqualTo("meshkeeper.zookeeper.tls.trust-store.location"))
                .withMessageContaining("absent.p12");
    }

    @Test
    void classpathLocationFailsBecauseZooKeeperReadsFiles() {
        Map<String, String> properties = new HashMap<>(enabled());
        properties.put("meshkeeper.zookeeper.tls.key-store.location", "classpath:zk.p12");

        assertThatExceptionOfType(InvalidConfigurationPropertyValueException.class)
                .isThrownBy(() -> customize(builder(), properties))
                .satisfies(ex -> assertThat(ex.getName()).isEqualTo("meshkeeper.zookeeper.tls.key-store.location"))
                .withMessageContaining("files only");
    }

    @Test
    void wrongPasswordFailsNamingThePasswordPropertyWithoutShowingIt() {
        Map<String, String> properties = new HashMap<>(enabled());
        properties.put("meshkeeper.zookeeper.tls.key-store.password", "not-the-password");

        assertThatExceptionOfType(InvalidConfigurationPropertyValueException.class)
                .isThrownBy(() -> customize(builder(), properties))
                .satisfies(ex -> assertThat(ex.getName()).isEqualTo("meshkeeper.zookeeper.tls.key-store.password"))
                .satisfies(ex -> assertThat(ex.getValue()).isNotEqualTo("not-the-password"))
                .withMessageNotContaining("not-the-password");
    }

    @Test
    void applicationWithAWrongPasswordFailsStartUpNamingThePropertyWithoutShowingThePassword(CapturedOutput output) {
        assertThatExceptionOfType(Exception.class)
                .isThrownBy(() -> new SpringApplicationBuilder(App.class).run("--spring.main.web-application-type=none",
                        "--spring.application.name=tls-bad-password", "--spring.config.import=zookeeper:",
                        "--spring.cloud.zookeeper.connect-string=127.0.0.1:1",
                        "--meshkeeper.zookeeper.tls.enabled=true",
                        "--meshkeeper.zookeeper.tls.trust-store.location=" + stores.trustStore(),
                        "--meshkeeper.zookeeper.tls.trust-store.password=wrong-one"))
                .satisfies(ex -> assertThat(rootOf(ex, InvalidConfigurationPropertyValueException.class).getName())
                        .isEqualTo("meshkeeper.zookeeper.tls.trust-store.password"));
        assertThat(output.getAll()).contains("APPLICATION FAILED TO START")
                .contains("The TLS connection to ZooKeeper cannot be set up because of "
                        + "meshkeeper.zookeeper.tls.trust-store.password")
                .doesNotContain("wrong-one");
    }

    @Test
    void failureAnalysisLeavesOtherPropertiesToSpringBoot() {
        assertThat(new ZooKeeperTlsFailureAnalyzer()
                .analyze(new InvalidConfigurationPropertyValueException("server.port", "x", "not a number")))
                .isNull();
    }

    @Test
    void listedAsAZooKeeperClientCustomizerSoBothSpringCloudZookeeperClientsGetIt() {
        CuratorFrameworkFactory.Builder builder = builder();

        ZooKeeperClientSettings.customizer(new Binder(new MapConfigurationPropertySource(enabled())))
                .customize(builder);

        assertThat(builder.getZkClientConfig().getBoolean(ZKClientConfig.SECURE_CLIENT)).isTrue();
    }

    @Test
    void meshkeeperDisabledAppliesNoTls() {
        Map<String, String> properties = new HashMap<>(enabled());
        properties.put("meshkeeper.enabled", "false");
        CuratorFrameworkFactory.Builder builder = builder();

        ZooKeeperClientSettings.customizer(new Binder(new MapConfigurationPropertySource(properties)))
                .customize(builder);

        assertThat(builder.getZkClientConfig()).isNull();
    }

    private static <T extends Throwable> T rootOf(Throwable ex, Class<T> type) {
        for (Throwable cause = ex; cause != null; cause = cause.getCause()) {
            if (type.isInstance(cause)) {
                return type.cast(cause);
            }
        }
        throw new AssertionError("no " + type.getSimpleName() + " in " + ex);
    }

    private static Map<String, String> enabled() {
        return Map.of("meshkeeper.zookeeper.tls.enabled", "true", "meshkeeper.zookeeper.tls.key-store.location",
                stores.keyStore("inventory").toString(), "meshkeeper.zookeeper.tls.key-store.password",
                stores.password(), "meshkeeper.zookeeper.tls.trust-store.location", stores.trustStore().toString(),
                "meshkeeper.zookeeper.tls.trust-store.password", stores.password());
    }

    private static CuratorFrameworkFactory.Builder builder() {
        return CuratorFrameworkFactory.builder().connectString("127.0.0.1:1").retryPolicy(new RetryOneTime(100));
    }

    private static void customize(CuratorFrameworkFactory.Builder builder, Map<String, String> properties) {
        new ZooKeeperTlsCustomizer().customize(builder, new Binder(new MapConfigurationPropertySource(properties)));
    }

    @Configuration(proxyBeanMethods = false)
    @EnableAutoConfiguration
    static class App {

    }
}
