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
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.cloud.client.ServiceInstance;
import org.springframework.cloud.client.discovery.DiscoveryClient;
import org.springframework.cloud.client.loadbalancer.LoadBalanced;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.client.HttpClientErrorException;
import org.springframework.web.client.RestClient;

/**
 * A provider that requires client certificates and admits one calling service, registered in the embedded
 * ZooKeeper, and consumers calling it through discovery and a {@code @LoadBalanced RestClient} over https.
 * Certificates are made in the test by {@code keytool}.
 */
@EmbeddedRegistry
@Timeout(180)
class MutualTlsEndToEndTests {

    private static final String PROVIDER = "mtls-inventory";

    private static final String ALLOWED = "mtls-orders";

    private static final String INTRUDER = "mtls-intruder";

    @TempDir
    static Path directory;

    private static TestCertificates certificates;

    private static RegistryHandle registry;

    private static final List<ConfigurableApplicationContext> applications = new ArrayList<>();

    private static ConfigurableApplicationContext provider;

    @BeforeAll
    static void startProvider(RegistryHandle handle) throws Exception {
        registry = handle;
        certificates = new TestCertificates(directory).leaf(PROVIDER, spiffe(PROVIDER)).leaf(ALLOWED, spiffe(ALLOWED))
                .leaf(INTRUDER);
        List<String> arguments = new ArrayList<>(List.of("--spring.application.name=" + PROVIDER,
                "--server.port=0", "--spring.cloud.zookeeper.connect-string=" + registry.connectString(),
                "--spring.config.import=optional:zookeeper:",
                "--spring.cloud.zookeeper.discovery.instance-host=127.0.0.1",
                "--meshkeeper.security.mtls.bundle=mesh",
                "--meshkeeper.security.mtls.allowed-callers." + PROVIDER + "=" + ALLOWED + ", someone-else"));
        arguments.addAll(bundle("mesh", PROVIDER));
        provider = new SpringApplicationBuilder(Provider.class).run(arguments.toArray(new String[0]));
        applications.add(provider);
    }

    @AfterAll
    static void stopApplications() {
        applications.forEach(ConfigurableApplicationContext::close);
    }

    @Test
    void allowedCallerIsServedOverHttpsThroughDiscoveryAndTheBalancer() {
        ConfigurableApplicationContext consumer = consumer(ALLOWED);
        ServiceInstance instance = awaitInstance(consumer);
        assertThat(instance.isSecure()).isTrue();
        assertThat(instance.getUri().getScheme()).isEqualTo("https");
        assertThat(instance.getPort()).isEqualTo(Integer.parseInt(port(provider)));

        RestClient client = consumer.getBean(RestClient.Builder.class).build();
        assertThat(client.get().uri("http://" + PROVIDER + "/caller").retrieve().body(String.class))
                .isEqualTo(ALLOWED);
    }

    @Test
    void callerNotOnTheAllowListGetsForbiddenProblemDetails() {
        ConfigurableApplicationContext consumer = consumer(INTRUDER);
        awaitInstance(consumer);
        RestClient client = consumer.getBean(RestClient.Builder.class).build();

        assertThatThrownBy(() -> client.get().uri("http://" + PROVIDER + "/caller").retrieve().body(String.class))
                .isInstanceOfSatisfying(HttpClientErrorException.Forbidden.class, (ex) -> {
                    assertThat(ex.getResponseHeaders().getContentType().isCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON))
                            .isTrue();
                    assertThat(ex.getResponseBodyAsString()).contains("\"status\":403",
                            "Caller '" + INTRUDER + "' is not in meshkeeper.security.mtls.allowed-callers."
                                    + PROVIDER);
                });
    }

    @Test
    void callerWithoutCertificateIsRefusedDuringTheHandshake() throws Exception {
        KeyStore trust = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(certificates.trustStore())) {
            trust.load(in, certificates.password().toCharArray());
        }
        TrustManagerFactory trustManagers = TrustManagerFactory
                .getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trustManagers.init(trust);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, trustManagers.getTrustManagers(), null);
        HttpClient anonymous = HttpClient.newBuilder().sslContext(context).connectTimeout(Duration.ofSeconds(10))
                .build();
        HttpRequest request = HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + port(provider) + "/caller"))
                .timeout(Duration.ofSeconds(20)).build();

        assertThatThrownBy(() -> anonymous.send(request, HttpResponse.BodyHandlers.ofString()))
                .isInstanceOf(IOException.class);
    }

    @Test
    void identityIsTheSpiffeServiceElseTheCommonName() throws Exception {
        CertificateFactory factory = CertificateFactory.getInstance("X.509");
        try (InputStream withSpiffe = Files.newInputStream(certificates.certificate(ALLOWED));
                InputStream withoutSpiffe = Files.newInputStream(certificates.certificate(INTRUDER))) {
            assertThat(CallerIdentity.of((X509Certificate) factory.generateCertificate(withSpiffe)))
                    .isEqualTo(ALLOWED);
            assertThat(CallerIdentity.of((X509Certificate) factory.generateCertificate(withoutSpiffe)))
                    .isEqualTo(INTRUDER);
        }
    }

    private static ServiceInstance awaitInstance(ConfigurableApplicationContext consumer) {
        DiscoveryClient discovery = consumer.getBean(DiscoveryClient.class);
        await().atMost(Duration.ofSeconds(30))
                .untilAsserted(() -> assertThat(discovery.getInstances(PROVIDER)).hasSize(1));
        return discovery.getInstances(PROVIDER).get(0);
    }

    private static ConfigurableApplicationContext consumer(String identity) {
        List<String> arguments = new ArrayList<>(List.of("--spring.application.name=" + identity,
                "--spring.cloud.zookeeper.connect-string=" + registry.connectString(),
                "--spring.config.import=optional:zookeeper:", "--spring.cloud.zookeeper.discovery.register=false",
                "--meshkeeper.security.mtls.bundle=mesh"));
        arguments.addAll(bundle("mesh", identity));
        ConfigurableApplicationContext context = new SpringApplicationBuilder(Consumer.class)
                .web(WebApplicationType.NONE).run(arguments.toArray(new String[0]));
        applications.add(context);
        return context;
    }

    private static String port(ConfigurableApplicationContext context) {
        return context.getEnvironment().getProperty("local.server.port");
    }

    @SpringBootConfiguration
    @EnableAutoConfiguration
    @Import(Caller.class)
    static class Provider {

    }

    @RestController
    static class Caller {

        @GetMapping("/caller")
        String caller(jakarta.servlet.http.HttpServletRequest request) {
            X509Certificate[] chain = (X509Certificate[]) request
                    .getAttribute("jakarta.servlet.request.X509Certificate");
            return CallerIdentity.of(chain[0]);
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

    private static String spiffe(String identity) {
        return "uri:" + CallerIdentity.SPIFFE_PREFIX + identity;
    }

    /** Properties of a JKS-style SSL bundle {@code name} with {@code identity}'s key and the test CA as trust. */
    private static List<String> bundle(String name, String identity) {
        String prefix = "--spring.ssl.bundle.jks." + name + ".";
        return List.of(prefix + "keystore.location=file:" + certificates.keyStore(identity),
                prefix + "keystore.password=" + certificates.password(), prefix + "keystore.type=PKCS12",
                prefix + "key.alias=leaf", prefix + "truststore.location=file:" + certificates.trustStore(),
                prefix + "truststore.password=" + certificates.password(), prefix + "truststore.type=PKCS12");
    }
}
