package dev.meshkeeper.registry.zookeeper;

import static org.assertj.core.api.Assertions.assertThat;

import dev.meshkeeper.registry.junit.TestCertificates;
import dev.meshkeeper.registry.server.RegistryServer;
import dev.meshkeeper.registry.server.RegistryServerException;
import dev.meshkeeper.registry.zookeeper.RegistryProperties.Tls.ClientAuth;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * Start-up checks of the registry's TLS settings. Every case here fails before any system property is set, so this
 * class runs with the other tests.
 */
@Timeout(120)
class RegistryTlsTests {

    @TempDir
    static Path certificateDir;

    @TempDir
    Path dataDir;

    static TestCertificates certificates;

    @BeforeAll
    static void certificates() throws Exception {
        certificates = new TestCertificates(certificateDir).leaf("registry");
    }

    @Test
    void securePortWithoutKeyStoreFailsNamingTheKeyStoreProperty() {
        RegistryProperties properties = withSecurePort();

        assertThat(analyze(() -> new RegistryTls(properties.getTls()).apply()).getDescription())
                .contains("meshkeeper.registry.tls.key-store.location")
                .contains("meshkeeper.registry.tls.secure-client-port");
        assertThat(System.getProperty("zookeeper.ssl.keyStore.location")).isNull();
    }

    @Test
    void missingKeyStoreFileFailsNamingTheLocation() {
        RegistryProperties properties = withSecurePort();
        properties.getTls().getKeyStore().setLocation(certificateDir.resolve("absent.p12"));
        properties.getTls().getKeyStore().setPassword(certificates.password());

        FailureAnalysis analysis = analyze(() -> new RegistryTls(properties.getTls()).apply());

        assertThat(analysis.getDescription()).contains("meshkeeper.registry.tls.key-store.location")
                .contains("absent.p12").contains("not a readable file");
        assertThat(analysis.getAction()).contains("meshkeeper.registry.tls.key-store.location");
    }

    @Test
    void wrongKeyStorePasswordFailsNamingThePasswordPropertyWithoutShowingIt() {
        RegistryProperties properties = withSecurePort();
        properties.getTls().getKeyStore().setLocation(certificates.keyStore("registry"));
        properties.getTls().getKeyStore().setPassword("wrong-password-123");

        FailureAnalysis analysis = analyze(() -> new RegistryTls(properties.getTls()).apply());

        assertThat(analysis.getDescription()).contains("meshkeeper.registry.tls.key-store.password")
                .contains("password of").doesNotContain("wrong-password-123");
        assertThat(analysis.getAction()).doesNotContain("wrong-password-123");
    }

    @Test
    void wrongTrustStorePasswordFailsNamingTheTrustStore() {
        RegistryProperties properties = withSecurePort();
        properties.getTls().getKeyStore().setLocation(certificates.keyStore("registry"));
        properties.getTls().getKeyStore().setPassword(certificates.password());
        properties.getTls().getTrustStore().setLocation(certificates.trustStore());
        properties.getTls().getTrustStore().setPassword("not-it-at-all");

        assertThat(analyze(() -> new RegistryTls(properties.getTls()).apply()).getDescription())
                .contains("meshkeeper.registry.tls.trust-store.password").doesNotContain("not-it-at-all");
        assertThat(System.getProperty("zookeeper.ssl.keyStore.location")).isNull();
    }

    @Test
    void unknownStoreTypeFailsNamingTheTypeProperty() {
        RegistryProperties properties = withSecurePort();
        properties.getTls().getKeyStore().setLocation(certificates.keyStore("registry"));
        properties.getTls().getKeyStore().setPassword(certificates.password());
        properties.getTls().getKeyStore().setType("P12");

        assertThat(analyze(() -> new RegistryTls(properties.getTls()).apply()).getDescription())
                .contains("meshkeeper.registry.tls.key-store.type=P12");
    }

    @Test
    void clientAuthWithoutTrustStoreFailsNamingTheTrustStore() {
        RegistryProperties properties = withSecurePort();
        properties.getTls().getKeyStore().setLocation(certificates.keyStore("registry"));
        properties.getTls().getKeyStore().setPassword(certificates.password());
        properties.getTls().setClientAuth(ClientAuth.NEED);

        assertThat(analyze(() -> new RegistryTls(properties.getTls()).apply()).getDescription())
                .contains("meshkeeper.registry.tls.trust-store.location").contains("client-auth=need");
    }

    @Test
    void plainPortOffWithoutSecurePortFailsNamingTheSwitch() {
        RegistryProperties properties = new RegistryProperties();
        properties.setBindAddress("127.0.0.1");
        properties.setClientPort(0);
        properties.setDataDir(this.dataDir);
        properties.getTls().setPlainClientPortEnabled(false);

        try (RegistryServer server = new RegistryServer(RegistryServerConfiguration.settings(properties,
                RegistryServerConfiguration.protectedMode(properties, null)))) {
            assertThat(analyze(server::start).getDescription())
                    .contains("meshkeeper.registry.tls.plain-client-port-enabled");
            assertThat(server.isRunning()).isFalse();
        }
    }

    @Test
    void aTlsPortNextToAnOpenPlainPortIsWarnedAboutNamingTheSwitch() {
        RegistryProperties properties = withSecurePort();
        assertThat(RegistryServerConfiguration.plainPortWarning(properties)).hasValueSatisfying(warning -> assertThat(
                warning).contains("still open").contains("meshkeeper.registry.tls.plain-client-port-enabled=false"));

        properties.getTls().setPlainClientPortEnabled(false);
        assertThat(RegistryServerConfiguration.plainPortWarning(properties)).isEmpty();
        assertThat(RegistryServerConfiguration.plainPortWarning(new RegistryProperties())).isEmpty();
    }

    @Test
    void withoutSecurePortNothingIsCheckedOrSet() {
        RegistryProperties properties = new RegistryProperties();
        properties.getTls().getKeyStore().setLocation(certificateDir.resolve("absent.p12"));

        RegistryTls tls = new RegistryTls(properties.getTls());
        tls.apply();

        assertThat(tls.isEnabled()).isFalse();
        assertThat(System.getProperty("zookeeper.ssl.keyStore.location")).isNull();
        assertThat(tls.clientConfig().getBoolean("zookeeper.client.secure")).isFalse();
    }

    private static RegistryProperties withSecurePort() {
        RegistryProperties properties = new RegistryProperties();
        properties.getTls().setSecureClientPort(0);
        return properties;
    }

    private static FailureAnalysis analyze(Runnable start) {
        RegistryServerException failure = null;
        try {
            start.run();
        }
        catch (RegistryServerException ex) {
            failure = ex;
        }
        assertThat(failure).as("start-up failure").isNotNull();
        return new RegistryServerFailureAnalyzer().analyze(failure);
    }
}
