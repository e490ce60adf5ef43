package dev.meshkeeper.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.meshkeeper.registry.junit.EmbeddedRegistry;
import dev.meshkeeper.registry.junit.RegistryHandle;
import dev.meshkeeper.registry.junit.TestCertificates;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.TrustManagerFactory;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.ExponentialBackoffRetry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.cloud.client.discovery.DiscoveryClient;
import org.springframework.cloud.client.loadbalancer.LoadBalanced;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.client.HttpClientErrorException;
import org.springframework.web.client.RestClient;

/**
 * Mutual TLS that fails closed: no plain http to an instance without an SSL port, no server whose certificate speaks
 * for another service, no caller admitted by a service without an allow-list entry (entries follow ZooKeeper config
 * live), and no way for ZooKeeper config to switch mutual TLS off or change the server's TLS settings.
 */
@EmbeddedRegistry
@Timeout(240)
@ExtendWith(OutputCaptureExtension.class)
class MutualTlsFailClosedTests {

    private static final String CALLER = "mtls-fc-orders";

    private static final String INVENTORY = "mtls-fc-inventory";

    private static final String IMPOSTOR = "mtls-fc-payments";

    private static final String PLAIN = "mtls-fc-plain";

    private static final String GUARDED = "mtls-fc-guarded";

    private static final String ALLOW_LIST_KEY = "meshkeeper.security.mtls.allowed-callers." + INVENTORY;

    @TempDir
    static Path directory;

    private static TestCertificates certificates;

    private static RegistryHandle registry;

    private static CuratorFramework curator;

    private static final List<ConfigurableApplicationContext> applications = new ArrayList<>();

    private static ConfigurableApplicationContext consumer;

    private static ConfigurableApplicationContext impostor;

    @BeforeAll
    static void start(RegistryHandle handle) throws Exception {
        registry = handle;
        certificates = new TestCertificates(directory).leaf(CALLER, spiffe(CALLER))
                .leaf(INVENTORY, spiffe(INVENTORY)).leaf(GUARDED, spiffe(GUARDED));
        curator = CuratorFrameworkFactory.newClient(registry.connectString(), new ExponentialBackoffRetry(200, 5));
        curator.start();
        curator.blockUntilConnected(30, TimeUnit.SECONDS);
        write("/config/" + INVENTORY + "/greeting", "hello");
        start(INVENTORY, INVENTORY);
        // Registered as another service with inventory's certificate, and admitting every trusted caller.
        impostor = start(IMPOSTOR, INVENTORY, "--meshkeeper.security.mtls.allowed-callers." + IMPOSTOR + "=*");
        startApplication(new SpringApplicationBuilder(Provider.class), PLAIN, List.of("--server.port=0"));
        List<String> arguments = new ArrayList<>(List.of("--spring.cloud.zookeeper.discovery.register=false",
                "--meshkeeper.security.mtls.bundle=mesh"));
        arguments.addAll(bundle(CALLER));
        consumer = startApplication(new SpringApplicationBuilder(Consumer.class).web(WebApplicationType.NONE),
                CALLER, arguments);
        DiscoveryClient discovery = consumer.getBean(DiscoveryClient.class);
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            assertThat(discovery.getInstances(INVENTORY)).hasSize(1);
            assertThat(discovery.getInstances(IMPOSTOR)).hasSize(1);
            assertThat(discovery.getInstances(PLAIN)).hasSize(1);
        });
    }

    @AfterAll
    static void stop() {
        applications.forEach(ConfigurableApplicationContext::close);
        if (curator != null) {
            curator.close();
        }
    }

    @Test
    void instanceWithoutAnSslPortIsRefusedAndNeverCalledOverPlainHttp() {
        Provider.calls.set(0);
        assertThat(consumer.getBean(DiscoveryClient.class).getInstances(PLAIN).get(0).isSecure()).isFalse();

        assertThatThrownBy(() -> call(PLAIN)).isInstanceOf(InsecureInstanceException.class)
                .hasMessageContaining("of service '" + PLAIN + "'")
                .hasMessageContaining("over plain http: meshkeeper.security.mtls is on and that instance registered "
                        + "no SSL port");
        assertThat(Provider.calls).hasValue(0);
    }

    @Test
    void serverWhoseCertificateSpeaksForAnotherServiceIsRefusedDuringTheHandshake() throws Exception {
        Provider.calls.set(0);
        assertThatThrownBy(() -> call(IMPOSTOR)).hasRootCauseInstanceOf(java.security.cert.CertificateException.class)
                .rootCause().hasMessageContaining("speaks for '" + INVENTORY + "', not for service '" + IMPOSTOR
                        + "' that was called");
        assertThat(Provider.calls).hasValue(0);

        // The same impostor admits the caller when called without the identity check: its '*' entry admits all.
        HttpResponse<String> direct = directCall(port(impostor));
        assertThat(direct.statusCode()).isEqualTo(200);
    }

    @Test
    void serviceWithoutAnEntryAdmitsNobodyAndEntriesFollowZooKeeperConfigLive() throws Exception {
        assertThatThrownBy(() -> call(INVENTORY)).isInstanceOfSatisfying(HttpClientErrorException.Forbidden.class,
                (ex) -> assertThat(ex.getResponseBodyAsString())
                        .contains("Service '" + INVENTORY + "' admits no caller: " + ALLOW_LIST_KEY + " is not set"));

        write("/config/" + INVENTORY + "/" + ALLOW_LIST_KEY, CALLER + ",billing");
        await().atMost(Duration.ofSeconds(30)).ignoreExceptions().until(() -> "served".equals(call(INVENTORY)));

        write("/config/" + INVENTORY + "/" + ALLOW_LIST_KEY, "billing");
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThatThrownBy(() -> call(INVENTORY))
                .isInstanceOfSatisfying(HttpClientErrorException.Forbidden.class, (ex) -> assertThat(
                        ex.getResponseBodyAsString()).contains("Caller '" + CALLER + "' is not in " + ALLOW_LIST_KEY)));

        curator.delete().forPath("/config/" + INVENTORY + "/" + ALLOW_LIST_KEY);
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThatThrownBy(() -> call(INVENTORY))
                .isInstanceOfSatisfying(HttpClientErrorException.Forbidden.class,
                        (ex) -> assertThat(ex.getResponseBodyAsString()).contains("admits no caller")));

        write("/config/" + INVENTORY + "/" + ALLOW_LIST_KEY, "*");
        await().atMost(Duration.ofSeconds(30)).ignoreExceptions().until(() -> "served".equals(call(INVENTORY)));
    }

    @Test
    void zooKeeperConfigCannotSwitchMutualTlsOffOrChangeTheServersTls(CapturedOutput output) throws Exception {
        String context = "/config/" + GUARDED;
        write(context + "/meshkeeper.security.mtls.enabled", "false");
        write(context + "/meshkeeper/security/mtls/bundle", "other");
        write(context + "/server.ssl.client-auth", "none");
        write(context + "/server.ssl.enabled", "false");
        write(context + "/spring.ssl.bundle.jks.mesh.truststore.password", "not-logged-secret");
        ConfigurableApplicationContext guarded = start(GUARDED, GUARDED,
                "--meshkeeper.security.mtls.allowed-callers." + GUARDED + "=*");

        assertThat(guarded.getEnvironment().getProperty("meshkeeper.security.mtls.enabled")).isNull();
        assertThat(guarded.getEnvironment().getProperty("meshkeeper.security.mtls.bundle")).isEqualTo("mesh");
        assertThat(guarded.getEnvironment().getProperty("server.ssl.client-auth")).isEqualTo("need");
        assertThat(guarded.getBeansOfType(CallerAllowList.class)).hasSize(1);
        assertThat(anonymousCallFails(port(guarded))).isTrue();
        assertThat(directCall(port(guarded)).statusCode()).isEqualTo(200);
        assertThat(output.getOut()).contains("Ignoring meshkeeper.security.mtls.enabled from ZooKeeper config context "
                + context).contains("Ignoring server.ssl.client-auth").contains("Ignoring server.ssl.enabled")
                .contains("Ignoring meshkeeper.security.mtls.bundle")
                .contains("Ignoring spring.ssl.bundle.jks.mesh.truststore.password")
                .doesNotContain("not-logged-secret");

        // Written while the application runs: still ignored.
        write(context + "/server.ssl.client-auth", "want");
        write(context + "/probe", "arrived");
        await().atMost(Duration.ofSeconds(30))
                .until(() -> "arrived".equals(guarded.getEnvironment().getProperty("probe")));
        assertThat(guarded.getEnvironment().getProperty("server.ssl.client-auth")).isEqualTo("need");
    }

    private static String call(String service) {
        return consumer.getBean(RestClient.Builder.class).build().get().uri("http://" + service + "/caller")
                .retrieve().body(String.class);
    }

    private static ConfigurableApplicationContext start(String service, String identity, String... extra) {
        List<String> arguments = new ArrayList<>(List.of("--server.port=0", "--meshkeeper.security.mtls.bundle=mesh"));
        arguments.addAll(bundle(identity));
        arguments.addAll(List.of(extra));
        return startApplication(new SpringApplicationBuilder(Provider.class), service, arguments);
    }

    private static ConfigurableApplicationContext startApplication(SpringApplicationBuilder builder, String service,
            List<String> extra) {
        List<String> arguments = new ArrayList<>(List.of("--spring.application.name=" + service,
                "--spring.cloud.zookeeper.connect-string=" + registry.connectString(),
                "--spring.config.import=optional:zookeeper:",
                "--spring.cloud.zookeeper.discovery.instance-host=127.0.0.1", "--spring.main.banner-mode=off"));
        arguments.addAll(extra);
        ConfigurableApplicationContext context = builder.run(arguments.toArray(new String[0]));
        applications.add(context);
        return context;
    }

    /** A call with the caller's certificate and the mesh CA, without the service identity check. */
    private static HttpResponse<String> directCall(String port) throws Exception {
        KeyStore keys = load(certificates.keyStore(CALLER));
        KeyManagerFactory keyManagers = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        keyManagers.init(keys, certificates.password().toCharArray());
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(keyManagers.getKeyManagers(), trust().getTrustManagers(), null);
        return HttpClient.newBuilder().sslContext(context).connectTimeout(Duration.ofSeconds(10)).build().send(
                HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + port + "/caller"))
                        .timeout(Duration.ofSeconds(20)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static boolean anonymousCallFails(String port) throws Exception {
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, trust().getTrustManagers(), null);
        try {
            HttpClient.newBuilder().sslContext(context).connectTimeout(Duration.ofSeconds(10)).build().send(
                    HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + port + "/caller"))
                            .timeout(Duration.ofSeconds(20)).build(),
                    HttpResponse.BodyHandlers.ofString());
            return false;
        }
        catch (SSLHandshakeException ex) {
            return true;
        }
        catch (IOException ex) {
            return true;
        }
    }

    private static TrustManagerFactory trust() throws Exception {
        TrustManagerFactory trustManagers = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trustManagers.init(load(certificates.trustStore()));
        return trustManagers;
    }

    private static KeyStore load(Path path) throws Exception {
        KeyStore store = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(path)) {
            store.load(in, certificates.password().toCharArray());
        }
        return store;
    }

    private static void write(String path, String value) throws Exception {
        byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
        if (curator.checkExists().forPath(path) == null) {
            curator.create().creatingParentsIfNeeded().forPath(path, bytes);
        }
        else {
            curator.setData().forPath(path, bytes);
        }
    }

    private static String port(ConfigurableApplicationContext context) {
        return context.getEnvironment().getProperty("local.server.port");
    }

    private static String spiffe(String identity) {
        return "uri:" + CallerIdentity.SPIFFE_PREFIX + identity;
    }

    private static List<String> bundle(String identity) {
        String prefix = "--spring.ssl.bundle.jks.mesh.";
        return List.of(prefix + "keystore.location=file:" + certificates.keyStore(identity),
                prefix + "keystore.password=" + certificates.password(), prefix + "keystore.type=PKCS12",
                prefix + "key.alias=leaf", prefix + "truststore.location=file:" + certificates.trustStore(),
                prefix + "truststore.password=" + certificates.password(), prefix + "truststore.type=PKCS12");
    }

    @SpringBootConfiguration
    @EnableAutoConfiguration
    @Import(Served.class)
    static class Provider {

        static final AtomicInteger calls = new AtomicInteger();
    }

    @RestController
    static class Served {

        @GetMapping("/caller")
        String caller() {
            Provider.calls.incrementAndGet();
            return "served";
        }
    }

    @SpringBootConfiguration
    @EnableAutoConfiguration
    static class Consumer {

        @Bean
        @LoadBalanced
        RestClient.Builder loadBalancedRestClientBuilder() {
            return RestClient.builder();
        }
    }
}
