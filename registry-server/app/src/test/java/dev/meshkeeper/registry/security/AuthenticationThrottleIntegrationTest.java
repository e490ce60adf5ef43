package dev.meshkeeper.registry.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.meshkeeper.registry.RegistryServerApplication;
import dev.meshkeeper.registry.TestRegistryProperties;
import java.net.CookieManager;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.HexFormat;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Password guessing against the login form, HTTP Basic and bearer tokens is throttled per user name and per client
 * address. Client addresses other than loopback come from X-Forwarded-For, as behind a reverse proxy
 * ({@code server.forward-headers-strategy=native}); each test uses addresses and users of its own.
 */
@SpringBootTest(classes = RegistryServerApplication.class, webEnvironment = WebEnvironment.RANDOM_PORT)
@Timeout(120)
class AuthenticationThrottleIntegrationTest {

    private static final int MAX_FAILURES = 3;

    @TempDir
    static Path dataDir;

    @DynamicPropertySource
    static void registry(DynamicPropertyRegistry registry) {
        TestRegistryProperties.server(registry, () -> 0, dataDir);
        TestRegistryProperties.user(registry, "otto", "operator");
        TestRegistryProperties.user(registry, "vera", "viewer");
        TestRegistryProperties.user(registry, "auditor", "viewer");
        registry.add("meshkeeper.registry.security.tokens.ci.hash",
                () -> "{sha256}" + HexFormat.of().formatHex(ApiTokenAuthenticationFilter.sha256("ci-secret")));
        registry.add("meshkeeper.registry.security.tokens.ci.roles", () -> "viewer");
        registry.add("meshkeeper.registry.security.throttle.max-failures", () -> MAX_FAILURES);
        registry.add("server.forward-headers-strategy", () -> "native");
    }

    @LocalServerPort
    int port;

    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void wrongPasswordsForOneUserThrottleThatUserFromEveryAddressAndAreAudited() throws Exception {
        for (int i = 1; i <= MAX_FAILURES; i++) {
            assertThat(api("otto", "guess-" + i, "198.51.100." + i).statusCode()).isEqualTo(401);
        }
        HttpResponse<String> refused = api("otto", "otto-pw", "198.51.100.50");
        assertThat(refused.statusCode()).as("even the right password, from another address").isEqualTo(429);
        assertThat(refused.headers().firstValue("Retry-After")).hasValueSatisfying(
                seconds -> assertThat(Long.parseLong(seconds)).isBetween(1L, 60L));
        assertThat(refused.body()).contains("meshkeeper.registry.security.throttle");
        assertThat(api("vera", "vera-pw", "198.51.100.51").statusCode()).as("other users are unaffected")
                .isEqualTo(200);

        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(api("auditor", "auditor-pw",
                "198.51.100.52", "/api/v1/audit?limit=100").body()).contains("\"who\":\"otto\"")
                .contains("authentication failed from 198.51.100.1").contains("from 198.51.100.3")
                .doesNotContain("guess-"));
    }

    @Test
    void failuresFromOneAddressThrottleEveryUserFromThatAddress() throws Exception {
        String address = "203.0.113.7";
        for (int i = 1; i <= MAX_FAILURES; i++) {
            assertThat(loginForm("invented-" + i, "guess", address).headers().firstValue("Location"))
                    .hasValueSatisfying(location -> assertThat(location).contains("error"));
        }
        HttpResponse<String> page = loginForm("vera", "vera-pw", address);
        assertThat(page.statusCode()).isEqualTo(429);
        assertThat(page.headers().firstValue("Content-Type")).hasValueSatisfying(
                type -> assertThat(type).startsWith("text/html"));
        assertThat(page.body()).contains("Try again in");
        HttpResponse<String> refused = api("vera", "vera-pw", address);
        assertThat(refused.statusCode()).isEqualTo(429);
        assertThat(refused.headers().firstValue("Retry-After")).isPresent();
        assertThat(api("vera", "vera-pw", "203.0.113.8").statusCode()).isEqualTo(200);
    }

    @Test
    void loopbackClientsGuessingBearerTokensAreThrottledToo() throws Exception {
        for (int i = 1; i <= MAX_FAILURES; i++) {
            assertThat(bearer("not-a-token-" + i).statusCode()).isEqualTo(401);
        }
        HttpResponse<String> refused = bearer("ci-secret");
        assertThat(refused.statusCode()).isEqualTo(429);
        assertThat(refused.headers().firstValue("Retry-After")).isPresent();
    }

    private HttpResponse<String> api(String user, String password, String address) throws Exception {
        return api(user, password, address, "/api/v1/config");
    }

    private HttpResponse<String> api(String user, String password, String address, String path) throws Exception {
        return this.http.send(HttpRequest.newBuilder(uri(path)).header("X-Forwarded-For", address)
                .header("Authorization", "Basic " + Base64.getEncoder().encodeToString(
                        (user + ":" + password).getBytes(StandardCharsets.UTF_8)))
                .build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> bearer(String token) throws Exception {
        return this.http.send(HttpRequest.newBuilder(uri("/api/v1/config")).header("Authorization", "Bearer " + token)
                .build(), HttpResponse.BodyHandlers.ofString());
    }

    /** Signs in through the login form, as a browser does. */
    private HttpResponse<String> loginForm(String user, String password, String address) throws Exception {
        HttpClient browser = HttpClient.newBuilder().cookieHandler(new CookieManager()).build();
        String page = browser.send(HttpRequest.newBuilder(uri("/login")).header("X-Forwarded-For", address).build(),
                HttpResponse.BodyHandlers.ofString()).body();
        Matcher field = Pattern.compile("name=\"_csrf\"[^>]*value=\"([^\"]+)\"").matcher(page);
        assertThat(field.find()).isTrue();
        HttpResponse<String> login = browser.send(HttpRequest.newBuilder(uri("/login"))
                .header("X-Forwarded-For", address).header("Content-Type", "application/x-www-form-urlencoded")
                .header("Accept", "text/html,application/xhtml+xml,*/*;q=0.8")
                .POST(HttpRequest.BodyPublishers.ofString("username=" + user + "&password=" + password + "&_csrf="
                        + URLEncoder.encode(field.group(1), StandardCharsets.UTF_8)))
                .build(), HttpResponse.BodyHandlers.ofString());
        return login;
    }

    private URI uri(String path) {
        return URI.create("http://127.0.0.1:" + this.port + path);
    }
}
