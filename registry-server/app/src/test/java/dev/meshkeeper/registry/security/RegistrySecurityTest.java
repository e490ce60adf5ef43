package dev.meshkeeper.registry.security;

import static org.assertj.core.api.Assertions.assertThat;

import dev.meshkeeper.registry.RegistryServerApplication;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Base64;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.security.crypto.bcrypt.BCryptPasswordEncoder;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RestController;

@SpringBootTest(classes = { RegistryServerApplication.class, RegistrySecurityTest.ProbeController.class },
        webEnvironment = WebEnvironment.RANDOM_PORT)
@Timeout(60)
class RegistrySecurityTest {

    @TempDir
    static Path dataDir;

    @DynamicPropertySource
    static void registry(DynamicPropertyRegistry registry) {
        BCryptPasswordEncoder bcrypt = new BCryptPasswordEncoder(4);
        registry.add("meshkeeper.registry.client-port", () -> 0);
        registry.add("meshkeeper.registry.bind-address", () -> "127.0.0.1");
        registry.add("meshkeeper.registry.data-dir", () -> dataDir.toString());
        registry.add("meshkeeper.registry.security.users.vera.password", () -> "{bcrypt}" + bcrypt.encode("vera-pw"));
        registry.add("meshkeeper.registry.security.users.vera.roles", () -> "viewer");
        registry.add("meshkeeper.registry.security.users.otto.password", () -> "{bcrypt}" + bcrypt.encode("otto-pw"));
        registry.add("meshkeeper.registry.security.users.otto.roles", () -> "operator");
        registry.add("meshkeeper.registry.security.tokens.ci.hash",
                () -> "{sha256}" + HexFormat.of().formatHex(ApiTokenAuthenticationFilter.sha256("ci-secret")));
        registry.add("meshkeeper.registry.security.tokens.ci.roles", () -> "operator");
    }

    @LocalServerPort
    int port;

    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void theApiRefusesAnonymousCallersWithAProblem() throws Exception {
        HttpResponse<String> response = send("GET", "/api/v1/probe", null);
        assertThat(response.statusCode()).isEqualTo(401);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(
                type -> assertThat(type).startsWith("application/problem+json"));
        assertThat(response.headers().firstValue("WWW-Authenticate")).hasValueSatisfying(
                value -> assertThat(value).contains("Basic"));
        assertThat(response.body()).contains("\"status\":401").contains("HTTP Basic");
    }

    @Test
    void viewersReadAndOperatorsWrite() throws Exception {
        assertThat(send("GET", "/api/v1/probe", basic("vera", "vera-pw")).body()).isEqualTo("read by vera");
        HttpResponse<String> viewerWrite = send("PUT", "/api/v1/probe", basic("vera", "vera-pw"));
        assertThat(viewerWrite.statusCode()).isEqualTo(403);
        assertThat(viewerWrite.body()).contains("operator role");
        HttpResponse<String> operatorWrite = send("PUT", "/api/v1/probe", basic("otto", "otto-pw"));
        assertThat(operatorWrite.statusCode()).isEqualTo(200);
        assertThat(operatorWrite.body()).isEqualTo("written by otto");
        assertThat(send("GET", "/api/v1/probe", basic("otto", "wrong")).statusCode()).isEqualTo(401);
    }

    @Test
    void bearerTokensAuthenticateApiCalls() throws Exception {
        HttpResponse<String> write = send("PUT", "/api/v1/probe", "Bearer ci-secret");
        assertThat(write.statusCode()).isEqualTo(200);
        assertThat(write.body()).isEqualTo("written by token:ci");
        assertThat(send("GET", "/api/v1/probe", "Bearer not-a-token").statusCode()).isEqualTo(401);
    }

    @Test
    void healthInfoAndPrometheusAreOpenButHealthDetailsNeedALogin() throws Exception {
        HttpResponse<String> anonymous = send("GET", "/actuator/health", null);
        assertThat(anonymous.statusCode()).isEqualTo(200);
        assertThat(anonymous.body()).contains("\"zookeeperServer\":{\"status\":\"UP\"}").doesNotContain("\"role\"");
        assertThat(send("GET", "/actuator/health", basic("vera", "vera-pw")).body()).contains("\"role\":\"standalone\"");
        assertThat(send("GET", "/actuator/info", null).statusCode()).isEqualTo(200);
        assertThat(send("GET", "/actuator/prometheus", null).body()).contains("zookeeper_server_znodes");
    }

    @Test
    void theConsoleAsksForALoginAndItsFormNeedsACsrfToken() throws Exception {
        HttpResponse<String> page = send("GET", "/", null);
        assertThat(page.statusCode()).isEqualTo(302);
        assertThat(page.headers().firstValue("Location")).hasValueSatisfying(
                location -> assertThat(location).endsWith("/login"));
        HttpResponse<String> forged = this.http.send(HttpRequest.newBuilder(uri("/login"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("username=otto&password=otto-pw")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(forged.statusCode()).isEqualTo(403);
    }

    @Test
    void theConsoleSessionMayCallTheApiWithItsCsrfToken() throws Exception {
        java.net.CookieManager cookies = new java.net.CookieManager();
        HttpClient browser = HttpClient.newBuilder().cookieHandler(cookies).build();
        String page = browser.send(HttpRequest.newBuilder(uri("/login")).build(), HttpResponse.BodyHandlers.ofString())
                .body();
        java.util.regex.Matcher field = java.util.regex.Pattern
                .compile("name=\"_csrf\"[^>]*value=\"([^\"]+)\"").matcher(page);
        assertThat(field.find()).as("the login form carries a CSRF token").isTrue();
        HttpResponse<String> login = browser.send(HttpRequest.newBuilder(uri("/login"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("username=otto&password=otto-pw&_csrf="
                        + java.net.URLEncoder.encode(field.group(1), StandardCharsets.UTF_8)))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(login.statusCode()).isEqualTo(302);
        assertThat(login.headers().firstValue("Location")).hasValueSatisfying(
                location -> assertThat(location).doesNotContain("error"));

        assertThat(browser.send(HttpRequest.newBuilder(uri("/api/v1/probe")).build(),
                HttpResponse.BodyHandlers.ofString()).body()).isEqualTo("read by otto");
        HttpResponse<String> withoutToken = browser.send(HttpRequest.newBuilder(uri("/api/v1/probe"))
                .PUT(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(withoutToken.statusCode()).isEqualTo(403);
        HttpResponse<String> withToken = browser.send(HttpRequest.newBuilder(uri("/api/v1/probe"))
                .header("X-XSRF-TOKEN", xsrf(cookies)).PUT(HttpRequest.BodyPublishers.noBody()).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(withToken.statusCode()).isEqualTo(200);
        assertThat(withToken.body()).isEqualTo("written by otto");
    }

    private static String xsrf(java.net.CookieManager cookies) {
        return cookies.getCookieStore().getCookies().stream().filter(cookie -> cookie.getName().equals("XSRF-TOKEN"))
                .reduce((first, second) -> second).orElseThrow().getValue();
    }

    private HttpResponse<String> send(String method, String path, String authorization) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri(path)).method(method,
                HttpRequest.BodyPublishers.noBody());
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        return this.http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private URI uri(String path) {
        return URI.create("http://127.0.0.1:" + this.port + path);
    }

    private static String basic(String user, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    @RestController
    static class ProbeController {

        @GetMapping("/api/v1/probe")
        String read(java.security.Principal principal) {
            return "read by " + principal.getName();
        }

        @PutMapping("/api/v1/probe")
        String write(java.security.Principal principal) {
            return "written by " + principal.getName();
        }
    }
}
