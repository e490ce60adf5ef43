package dev.meshkeeper.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.meshkeeper.registry.junit.EmbeddedRegistry;
import dev.meshkeeper.registry.junit.RegistryHandle;
import dev.meshkeeper.registry.junit.TestCertificates;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.cloud.client.discovery.DiscoveryClient;
import org.springframework.cloud.client.loadbalancer.LoadBalanced;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.client.ResourceAccessException;
import org.springframework.web.client.RestClient;
import org.springframework.web.client.RestTemplate;
import org.springframework.web.reactive.function.client.WebClient;
import org.springframework.web.reactive.function.client.WebClientRequestException;

/**
 * Balanced clients ({@code RestClient}, {@code RestTemplate}, {@code WebClient}) with mutual TLS on keep the application's HTTP client settings ({@code spring.http.clients.*}):
 * a provider that answers late is given up on after the configured read timeout, while the certificate and the
 * server identity check still apply (a caller whose certificate another CA signed is refused, and so is a server
 * whose certificate speaks for another service).
 */
@EmbeddedRegistry
@Timeout(180)
class MutualTlsClientSettingsTests {

    private static final String PROVIDER = "mtls-settings-inventory";

    private static final String CALLER = "mtls-settings-orders";

    /** Registered under another service id, with the provider's certificate. */
    private static final String IMPOSTOR = "mtls-settings-payments";

    /** How long the slow endpoint holds its answer unless the test releases it earlier. */
    private static final long SLOW_ANSWER_SECONDS = 10;

    @TempDir
    static Path directory;

    private static TestCertificates certificates;

    private static TestCertificates otherAuthority;

    private static RegistryHandle registry;

    private static final List<ConfigurableApplicationContext> applications = new ArrayList<>();

    private static ConfigurableApplicationContext consumer;

    @BeforeAll
    static void start(RegistryHandle handle) throws Exception {
        registry = handle;
        certificates = new TestCertificates(Files.createDirectory(directory.resolve("mesh")))
                .leaf(PROVIDER, spiffe(PROVIDER)).leaf(CALLER, spiffe(CALLER));
        otherAuthority = new TestCertificates(Files.createDirectory(directory.resolve("other")))
                .leaf(CALLER, spiffe(CALLER));
        List<String> provider = new ArrayList<>(List.of("--server.port=0",
                "--spring.cloud.zookeeper.discovery.instance-host=127.0.0.1",
                "--meshkeeper.security.mtls.allowed-callers." + PROVIDER + "=" + CALLER));
        provider.addAll(bundle(certificates, PROVIDER, certificates));
        start(new SpringApplicationBuilder(Provider.class), PROVIDER, provider);
        List<String> impostor = new ArrayList<>(List.of("--server.port=0",
                "--spring.cloud.zookeeper.discovery.instance-host=127.0.0.1",
                "--meshkeeper.security.mtls.allowed-callers." + IMPOSTOR + "=*"));
        impostor.addAll(bundle(certificates, PROVIDER, certificates));
        start(new SpringApplicationBuilder(Provider.class), IMPOSTOR, impostor);
        consumer = consumer(certificates);
    }

    @AfterAll
    static void stop() {
        Provider.release.countDown();
        applications.forEach(ConfigurableApplicationContext::close);
    }

    @Test
    void balancedRestClientRestTemplateAndWebClientCallWithTheCertificate() {
        assertThat(consumer.getBean(RestClient.Builder.class).build().get().uri("http://" + PROVIDER + "/caller")
                .retrieve().body(String.class)).isEqualTo(CALLER);
        assertThat(consumer.getBean(RestTemplate.class).getForObject("http://" + PROVIDER + "/caller", String.class))
                .isEqualTo(CALLER);
        assertThat(webCall(consumer, "/caller")).isEqualTo(CALLER);
    }

    @Test
    void readTimeoutOfTheApplicationsHttpClientSettingsStillAppliesWithMutualTls() {
        RestClient client = consumer.getBean(RestClient.Builder.class).build();
        long started = System.nanoTime();
        assertThatThrownBy(() -> client.get().uri("http://" + PROVIDER + "/slow").retrieve().body(String.class))
                .isInstanceOf(ResourceAccessException.class);
        // Without the 300 ms read timeout the call would wait for the answer, SLOW_ANSWER_SECONDS later.
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(SLOW_ANSWER_SECONDS / 2));
        assertThatThrownBy(() -> consumer.getBean(RestTemplate.class).getForObject("http://" + PROVIDER + "/slow",
                String.class)).isInstanceOf(ResourceAccessException.class);

        long webStarted = System.nanoTime();
        assertThatThrownBy(() -> webCall(consumer, "/slow")).isInstanceOf(WebClientRequestException.class);
        assertThat(Duration.ofNanos(System.nanoTime() - webStarted))
                .isLessThan(Duration.ofSeconds(SLOW_ANSWER_SECONDS / 2));
    }

    @Test
    void callerWithACertificateFromAnotherAuthorityIsRefused() throws Exception {
        ConfigurableApplicationContext untrusted = consumer(otherAuthority);
        RestClient client = untrusted.getBean(RestClient.Builder.class).build();
        assertThatThrownBy(() -> client.get().uri("http://" + PROVIDER + "/caller").retrieve().body(String.class))
                .isInstanceOf(ResourceAccessException.class);
        // Spring Cloud LoadBalancer's reactive retries may wrap the failure of the last attempt.
        assertThatThrownBy(() -> webCall(untrusted, "/caller"))
                .satisfies((ex) -> assertThat(causes(ex)).hasAtLeastOneElementOfType(WebClientRequestException.class));
    }

    @Test
    void serverWhoseCertificateSpeaksForAnotherServiceIsRefusedByEveryClient() {
        String refusal = "speaks for '" + PROVIDER + "', not for service '" + IMPOSTOR + "' that was called";
        assertThatThrownBy(() -> consumer.getBean(RestClient.Builder.class).build().get()
                .uri("http://" + IMPOSTOR + "/caller").retrieve().body(String.class)).hasStackTraceContaining(refusal);
        assertThatThrownBy(() -> consumer.getBean(RestTemplate.class).getForObject("http://" + IMPOSTOR + "/caller",
                String.class)).hasStackTraceContaining(refusal);
        assertThatThrownBy(() -> consumer.getBean(WebClient.Builder.class).build().get()
                .uri("http://" + IMPOSTOR + "/caller").retrieve().bodyToMono(String.class)
                .block(Duration.ofSeconds(SLOW_ANSWER_SECONDS))).hasStackTraceContaining(refusal);
    }

    private static List<Throwable> causes(Throwable ex) {
        List<Throwable> causes = new ArrayList<>();
        for (Throwable cause = ex; cause != null && !causes.contains(cause); cause = cause.getCause()) {
            causes.add(cause);
        }
        return causes;
    }

    private static String webCall(ConfigurableApplicationContext context, String path) {
        return context.getBean(WebClient.Builder.class).build().get().uri("http://" + PROVIDER + path).retrieve()
                .bodyToMono(String.class).block(Duration.ofSeconds(SLOW_ANSWER_SECONDS * 2));
    }

    private static ConfigurableApplicationContext consumer(TestCertificates keys) {
        List<String> arguments = new ArrayList<>(List.of("--spring.cloud.zookeeper.discovery.register=false",
                "--spring.http.clients.read-timeout=300ms", "--spring.http.clients.connect-timeout=2s"));
        arguments.addAll(bundle(keys, CALLER, certificates));
        ConfigurableApplicationContext context = start(
                new SpringApplicationBuilder(Consumer.class).web(WebApplicationType.NONE), CALLER, arguments);
        DiscoveryClient discovery = context.getBean(DiscoveryClient.class);
        await().atMost(Duration.ofSeconds(30))
                .untilAsserted(() -> {
                    assertThat(discovery.getInstances(PROVIDER)).hasSize(1);
                    assertThat(discovery.getInstances(IMPOSTOR)).hasSize(1);
                });
        return context;
    }

    private static ConfigurableApplicationContext start(SpringApplicationBuilder builder, String service,
            List<String> extra) {
        List<String> arguments = new ArrayList<>(List.of("--spring.application.name=" + service,
                "--spring.cloud.zookeeper.connect-string=" + registry.connectString(),
                "--spring.config.import=optional:zookeeper:", "--spring.main.banner-mode=off",
                "--meshkeeper.security.mtls.bundle=mesh"));
        arguments.addAll(extra);
        ConfigurableApplicationContext context = builder.run(arguments.toArray(new String[0]));
        applications.add(context);
        return context;
    }

    /** A JKS-style bundle {@code mesh} with the leaf {@code identity} of {@code keys} and the CA of {@code trust}. */
    private static List<String> bundle(TestCertificates keys, String identity, TestCertificates trust) {
        String prefix = "--spring.ssl.bundle.jks.mesh.";
        return List.of(prefix + "keystore.location=file:" + keys.keyStore(identity),
                prefix + "keystore.password=" + keys.password(), prefix + "keystore.type=PKCS12",
                prefix + "key.alias=leaf", prefix + "truststore.location=file:" + trust.trustStore(),
                prefix + "truststore.password=" + trust.password(), prefix + "truststore.type=PKCS12");
    }

    private static String spiffe(String identity) {
        return "uri:" + CallerIdentity.SPIFFE_PREFIX + identity;
    }

    @SpringBootConfiguration
    @EnableAutoConfiguration
    @Import(Endpoints.class)
    static class Provider {

        static final CountDownLatch release = new CountDownLatch(1);
    }

    @RestController
    static class Endpoints {

        @GetMapping("/caller")
        String caller(jakarta.servlet.http.HttpServletRequest request) {
            return CallerAllowListFilter.caller(request);
        }

        @GetMapping("/slow")
        String slow() throws InterruptedException {
            Provider.release.await(SLOW_ANSWER_SECONDS, TimeUnit.SECONDS);
            return "late";
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

        @Bean
        @LoadBalanced
        RestTemplate loadBalancedRestTemplate() {
            return new RestTemplate();
        }

        @Bean
        @LoadBalanced
        WebClient.Builder loadBalancedWebClientBuilder() {
            return WebClient.builder();
        }
    }
}
