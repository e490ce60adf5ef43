package dev.meshkeeper.registry.security;

import static org.assertj.core.api.Assertions.assertThat;

import dev.meshkeeper.registry.RegistryServerApplication;
import dev.meshkeeper.registry.TestRegistryProperties;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.net.CookieManager;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Base64;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.core.io.ClassPathResource;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Attacks a browser can carry out for another site against the admin API and console, and what stops them: cross-site
 * writes, cached Basic credentials, a session cookie next to an Authorization header, framing and inline script;
 * plus the body limit for chunked uploads and masked secrets for viewers.
 */
@SpringBootTest(classes = RegistryServerApplication.class, webEnvironment = WebEnvironment.RANDOM_PORT)
@Timeout(120)
class RegistryWebSecurityTest {

    private static final String EVIL = "http://evil.example";

    @TempDir
    static Path dataDir;

    @DynamicPropertySource
    static void registry(DynamicPropertyRegistry registry) {
        TestRegistryProperties.server(registry, () -> 0, dataDir);
        TestRegistryProperties.user(registry, "otto", "operator");
        TestRegistryProperties.user(registry, "vera", "viewer");
        registry.add("meshkeeper.registry.api.max-request-size", () -> "4KB");
    }

    @LocalServerPort
    int port;

    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void aCrossSiteTextPlainImportNeverSucceedsEvenWithCachedBasicCredentials() throws Exception {
        String form = "evil.switch=on\n";
        // what a hostile page's <form enctype="text/plain"> makes a browser send, Basic credentials cached by it
        HttpResponse<String> byOrigin = send(importRequest("cross-site", form).header("Origin", EVIL));
        HttpResponse<String> byReferer = send(importRequest("cross-site", form)
                .header("Referer", EVIL + "/page.html"));
        HttpResponse<String> byFetchMetadata = send(importRequest("cross-site", form)
                .header("Sec-Fetch-Site", "cross-site"));
        HttpResponse<String> nullOrigin = send(importRequest("cross-site", form).header("Origin", "null"));

        assertThat(byOrigin.statusCode()).isEqualTo(403);
        assertThat(byOrigin.body()).contains("Cross-site request refused").contains("evil.example");
        assertThat(byReferer.statusCode()).isEqualTo(403);
        assertThat(byFetchMetadata.statusCode()).isEqualTo(403);
        assertThat(nullOrigin.statusCode()).isEqualTo(403);
        assertThat(send(get("/api/v1/config/cross-site", basic("otto"))).statusCode()).as("nothing was imported")
                .isEqualTo(404);
    }

    @Test
    void nonBrowserClientsAndTheServersOwnPagesStillWrite() throws Exception {
        // curl --data-binary @file -H 'Content-Type: text/plain' -u otto:... keeps working
        assertThat(send(importRequest("curl-import", "greeting=hi\n")).statusCode()).isEqualTo(200);
        HttpResponse<String> sameOrigin = send(importRequest("same-origin", "greeting=hi\n")
                .header("Origin", "http://127.0.0.1:" + this.port).header("Sec-Fetch-Site", "same-origin"));
        assertThat(sameOrigin.statusCode()).isEqualTo(200);
    }

    @Test
    void aRequestWithTheSessionCookieNeedsTheCsrfTokenEvenWithAnAuthorizationHeader() throws Exception {
        CookieManager cookies = new CookieManager();
        HttpClient browser = HttpClient.newBuilder().cookieHandler(cookies).build();
        login(browser, "otto");
        HttpResponse<String> withoutToken = browser.send(HttpRequest.newBuilder(uri(
                "/api/v1/config/session-write/properties/greeting")).header("Content-Type", "text/plain")
                .header("Authorization", basic("otto")).PUT(HttpRequest.BodyPublishers.ofString("hi")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(withoutToken.statusCode()).isEqualTo(403);

        String token = cookies.getCookieStore().getCookies().stream()
                .filter(cookie -> cookie.getName().equals("XSRF-TOKEN")).reduce((a, b) -> b).orElseThrow().getValue();
        HttpResponse<String> withToken = browser.send(HttpRequest.newBuilder(uri(
                "/api/v1/config/session-write/properties/greeting")).header("Content-Type", "text/plain")
                .header("X-XSRF-TOKEN", token).PUT(HttpRequest.BodyPublishers.ofString("hi")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(withToken.statusCode()).isEqualTo(200);
    }

    @Test
    void aBrowserNeverGetsABasicChallenge() throws Exception {
        HttpResponse<String> page = send(HttpRequest.newBuilder(uri("/api/v1/config"))
                .header("Accept", "text/html,application/xhtml+xml,*/*;q=0.8"));
        assertThat(page.statusCode()).isEqualTo(401);
        assertThat(page.headers().allValues("WWW-Authenticate")).noneMatch(value -> value.contains("Basic"));
        HttpResponse<String> script = send(HttpRequest.newBuilder(uri("/api/v1/config"))
                .header("Accept", "application/json").header("Sec-Fetch-Mode", "cors"));
        assertThat(script.headers().allValues("WWW-Authenticate")).noneMatch(value -> value.contains("Basic"));
        HttpResponse<String> actuator = send(HttpRequest.newBuilder(uri("/actuator/env"))
                .header("Accept", "text/html"));
        assertThat(actuator.headers().allValues("WWW-Authenticate")).noneMatch(value -> value.contains("Basic"));

        HttpResponse<String> curl = send(HttpRequest.newBuilder(uri("/api/v1/config")).header("Accept", "*/*"));
        assertThat(curl.headers().firstValue("WWW-Authenticate")).hasValueSatisfying(
                value -> assertThat(value).contains("Basic"));
    }

    @Test
    void everyResponseForbidsFramingInlineScriptAndCrossOriginReferrers() throws Exception {
        for (String path : new String[] { "/login", "/api/v1/config", "/console/assets/app.js" }) {
            HttpResponse<String> response = send(HttpRequest.newBuilder(uri(path)));
            assertThat(response.headers().firstValue("Content-Security-Policy")).as(path).hasValueSatisfying(csp ->
                    assertThat(csp).contains("script-src 'self'").contains("frame-ancestors 'none'")
                            .doesNotContain("unsafe-inline"));
            assertThat(response.headers().firstValue("Referrer-Policy")).as(path).hasValue("same-origin");
            assertThat(response.headers().firstValue("X-Frame-Options")).as(path).hasValue("DENY");
        }
        Pattern inlineScript = Pattern.compile("<script(?![^>]*\\bsrc=)[^>]*>|\\son[a-z]+=", Pattern.CASE_INSENSITIVE);
        String login = send(HttpRequest.newBuilder(uri("/login"))).body();
        assertThat(inlineScript.matcher(login).find()).as("the login page has no inline script").isFalse();
        String console;
        try (InputStream in = new ClassPathResource("static/console/index.html").getInputStream()) {
            console = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        assertThat(inlineScript.matcher(console).find()).as("the console page has no inline script").isFalse();
    }

    @Test
    void aChunkedBodyOverTheLimitIsRefusedWith413() throws Exception {
        byte[] large = ("big=" + "x".repeat(8 * 1024) + "\n").getBytes(StandardCharsets.UTF_8);
        HttpResponse<String> refused = send(chunkedImport("chunked-large", large));
        assertThat(refused.statusCode()).isEqualTo(413);
        assertThat(refused.body()).contains("meshkeeper.registry.api.max-request-size");
        assertThat(send(get("/api/v1/config/chunked-large", basic("otto"))).statusCode()).isEqualTo(404);

        HttpResponse<String> small = send(chunkedImport("chunked-small", "greeting=hi\n".getBytes(
                StandardCharsets.UTF_8)));
        assertThat(small.statusCode()).as(small.body()).isEqualTo(200);
        assertThat(small.body()).contains("\"greeting\":\"hi\"");
    }

    @Test
    void viewersSeeSecretLookingValuesMaskedAndOperatorsSeeThem() throws Exception {
        HttpResponse<String> put = send(HttpRequest.newBuilder(uri("/api/v1/config/masked")).header("Authorization",
                basic("otto")).header("Content-Type", "application/json").PUT(HttpRequest.BodyPublishers.ofString(
                        "{\"properties\":{\"spring.datasource.password\":\"s3cret-pw\",\"payments.api-token\":"
                                + "\"tok-123\",\"greeting\":\"hi\"}}")));
        assertThat(put.statusCode()).as(put.body()).isEqualTo(200);

        for (String path : new String[] { "/api/v1/config/masked", "/api/v1/config/masked/history",
                "/api/v1/config/masked/export", "/api/v1/config/masked/diff?from=0&to=1" }) {
            HttpResponse<String> viewer = send(get(path, basic("vera")));
            assertThat(viewer.statusCode()).as(path).isEqualTo(200);
            assertThat(viewer.body()).as(path).doesNotContain("s3cret-pw").doesNotContain("tok-123")
                    .contains("******");
        }
        assertThat(send(get("/api/v1/config/masked", basic("vera"))).body()).contains("\"greeting\":\"hi\"");
        assertThat(send(get("/api/v1/config/masked", basic("otto"))).body()).contains("s3cret-pw")
                .contains("tok-123");
    }

    private void login(HttpClient browser, String user) throws Exception {
        String page = browser.send(HttpRequest.newBuilder(uri("/login")).build(), HttpResponse.BodyHandlers.ofString())
                .body();
        Matcher field = Pattern.compile("name=\"_csrf\"[^>]*value=\"([^\"]+)\"").matcher(page);
        assertThat(field.find()).isTrue();
        HttpResponse<String> login = browser.send(HttpRequest.newBuilder(uri("/login"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("username=" + user + "&password=" + user + "-pw&_csrf="
                        + URLEncoder.encode(field.group(1), StandardCharsets.UTF_8)))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(login.headers().firstValue("Location")).hasValueSatisfying(
                location -> assertThat(location).doesNotContain("error"));
    }

    private HttpRequest.Builder importRequest(String context, String body) {
        return HttpRequest.newBuilder(uri("/api/v1/config/" + context + "/import"))
                .header("Authorization", basic("otto")).header("Content-Type", "text/plain")
                .POST(HttpRequest.BodyPublishers.ofString(body));
    }

    private HttpRequest.Builder chunkedImport(String context, byte[] body) {
        // a body of unknown length goes out chunked, without Content-Length
        return HttpRequest.newBuilder(uri("/api/v1/config/" + context + "/import"))
                .header("Authorization", basic("otto")).header("Content-Type", "text/plain")
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(body)));
    }

    private HttpRequest.Builder get(String path, String authorization) {
        return HttpRequest.newBuilder(uri(path)).header("Authorization", authorization);
    }

    private HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
        return this.http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private URI uri(String path) {
        return URI.create("http://127.0.0.1:" + this.port + path);
    }

    private static String basic(String user) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + user + "-pw")
                .getBytes(StandardCharsets.UTF_8));
    }
}
