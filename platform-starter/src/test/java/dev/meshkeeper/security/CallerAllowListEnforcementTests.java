package dev.meshkeeper.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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
import java.security.Principal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.core.annotation.Order;
import org.springframework.core.io.DefaultResourceLoader;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * The caller allow-list against real mutual TLS providers on 127.0.0.1, enforced by Spring Security (x509
 * authentication by service identity, authorization from the allow-list) when it is on the class path, and by the
 * servlet filter when it is not: the listed caller is served, another trusted caller gets {@code 403} problem details,
 * a caller without a certificate fails the handshake. An application's own {@code SecurityFilterChain} for some paths
 * works alongside.
 */
@EmbeddedRegistry
@Timeout(180)
class CallerAllowListEnforcementTests {

    private static final String SECURED = "allow-list-security";

    private static final String FILTERED = "allow-list-filter";

    private static final String ALLOWED = "allow-list-orders";

    private static final String OTHER = "allow-list-reports";

    @TempDir
    static Path directory;

    private static TestCertificates certificates;

    private static RegistryHandle registry;

    private static final List<ConfigurableApplicationContext> applications = new ArrayList<>();

    private static ConfigurableApplicationContext secured;

    private static ConfigurableApplicationContext filtered;

    @BeforeAll
    static void start(RegistryHandle handle) throws Exception {
        registry = handle;
        certificates = new TestCertificates(directory).leaf(SECURED, spiffe(SECURED)).leaf(FILTERED, spiffe(FILTERED))
                .leaf(ALLOWED, spiffe(ALLOWED)).leaf(OTHER);
        secured = start(new SpringApplicationBuilder(SecuredProvider.class), SECURED);
        filtered = start(new SpringApplicationBuilder(Provider.class).resourceLoader(new DefaultResourceLoader(
                new FilteredClassLoader("org.springframework.security.config", "org.springframework.security.web"))),
                FILTERED);
    }

    @AfterAll
    static void stop() {
        applications.forEach(ConfigurableApplicationContext::close);
    }

    @Test
    void withSpringSecurityTheAllowListIsItsConfiguration() {
        assertThat(secured.getBeansOfType(SecurityFilterChain.class)).containsKey("meshkeeperCallerAllowListFilterChain");
        assertThat(secured.getBeansOfType(CallerAllowListFilter.class)).isEmpty();
        assertThat(filtered.getBeansOfType(CallerAllowListFilter.class)).hasSize(1);
        assertThat(filtered.containsBean("meshkeeperCallerAllowListFilterChain")).isFalse();
    }

    @Test
    void withSpringSecurityTheListedCallerIsServedAsItsAuthenticatedServiceIdentity() throws Exception {
        HttpResponse<String> response = call(secured, ALLOWED, "/whoami");
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).isEqualTo("principal " + ALLOWED);
    }

    @Test
    void withoutSpringSecurityTheFilterServesTheListedCaller() throws Exception {
        HttpResponse<String> response = call(filtered, ALLOWED, "/whoami");
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).isEqualTo("certificate " + ALLOWED);
    }

    @Test
    void anotherTrustedCallerGetsForbiddenProblemDetailsEitherWay() throws Exception {
        for (ConfigurableApplicationContext provider : List.of(secured, filtered)) {
            String service = provider.getEnvironment().getProperty("spring.application.name");
            HttpResponse<String> response = call(provider, OTHER, "/whoami");
            assertThat(response.statusCode()).as(service).isEqualTo(403);
            assertThat(response.headers().firstValue("Content-Type")).get().asString()
                    .startsWith("application/problem+json");
            assertThat(response.body()).contains("\"status\":403",
                    "Caller '" + OTHER + "' is not in meshkeeper.security.mtls.allowed-callers." + service);
        }
    }

    @Test
    void callerWithoutCertificateFailsTheHandshakeEitherWay() throws Exception {
        for (ConfigurableApplicationContext provider : List.of(secured, filtered)) {
            assertThatThrownBy(() -> call(provider, null, "/whoami")).isInstanceOf(IOException.class);
        }
    }

    @Test
    void applicationsOwnFilterChainHandlesItsPathsAlongsideTheAllowList() throws Exception {
        assertThat(call(secured, OTHER, "/open/ping").statusCode()).isEqualTo(200);
        assertThat(call(secured, OTHER, "/whoami").statusCode()).isEqualTo(403);
    }

    private static ConfigurableApplicationContext start(SpringApplicationBuilder builder, String service) {
        List<String> arguments = new ArrayList<>(List.of("--spring.application.name=" + service, "--server.port=0",
                "--spring.cloud.zookeeper.connect-string=" + registry.connectString(),
                "--spring.config.import=optional:zookeeper:",
                "--spring.cloud.zookeeper.discovery.instance-host=127.0.0.1", "--spring.main.banner-mode=off",
                "--meshkeeper.security.mtls.bundle=mesh",
                "--meshkeeper.security.mtls.allowed-callers." + service + "=" + ALLOWED));
        String prefix = "--spring.ssl.bundle.jks.mesh.";
        arguments.addAll(List.of(prefix + "keystore.location=file:" + certificates.keyStore(service),
                prefix + "keystore.password=" + certificates.password(), prefix + "keystore.type=PKCS12",
                prefix + "key.alias=leaf", prefix + "truststore.location=file:" + certificates.trustStore(),
                prefix + "truststore.password=" + certificates.password(), prefix + "truststore.type=PKCS12"));
        ConfigurableApplicationContext context = builder.run(arguments.toArray(new String[0]));
        applications.add(context);
        return context;
    }

    /** A call with {@code identity}'s certificate (none when {@code null}) and the mesh CA. */
    private static HttpResponse<String> call(ConfigurableApplicationContext provider, String identity, String path)
            throws Exception {
        KeyManagerFactory keyManagers = null;
        if (identity != null) {
            keyManagers = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            keyManagers.init(load(certificates.keyStore(identity)), certificates.password().toCharArray());
        }
        TrustManagerFactory trustManagers = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trustManagers.init(load(certificates.trustStore()));
        SSLContext context = SSLContext.getInstance("TLS");
        context.init((keyManagers != null) ? keyManagers.getKeyManagers() : null, trustManagers.getTrustManagers(),
                null);
        String port = provider.getEnvironment().getProperty("local.server.port");
        return HttpClient.newBuilder().sslContext(context).connectTimeout(Duration.ofSeconds(10)).build().send(
                HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + port + path)).timeout(Duration.ofSeconds(20))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static KeyStore load(Path path) throws Exception {
        KeyStore store = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(path)) {
            store.load(in, certificates.password().toCharArray());
        }
        return store;
    }

    private static String spiffe(String identity) {
        return "uri:" + CallerIdentity.SPIFFE_PREFIX + identity;
    }

    @SpringBootConfiguration
    @EnableAutoConfiguration
    @Import(Endpoints.class)
    static class Provider {

    }

    /** A provider that also has a chain of its own, for {@code /open/**}, ahead of Meshkeeper's. */
    @SpringBootConfiguration
    @EnableAutoConfiguration
    @Import(Endpoints.class)
    static class SecuredProvider {

        @Bean
        @Order(0)
        SecurityFilterChain openFilterChain(HttpSecurity http) throws Exception {
            return http.securityMatcher("/open/**").authorizeHttpRequests((requests) -> requests.anyRequest()
                    .permitAll()).build();
        }
    }

    @RestController
    static class Endpoints {

        @GetMapping("/whoami")
        String whoami(jakarta.servlet.http.HttpServletRequest request) {
            Principal principal = request.getUserPrincipal();
            return (principal != null) ? "principal " + principal.getName()
                    : "certificate " + CallerAllowListFilter.caller(request);
        }

        @GetMapping("/open/ping")
        String ping() {
            return "pong";
        }
    }
}
