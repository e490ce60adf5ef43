package dev.meshkeeper.traffic;

import static org.assertj.core.api.Assertions.assertThat;

import dev.meshkeeper.registry.junit.EmbeddedRegistry;
import dev.meshkeeper.registry.junit.RegistryHandle;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Configuration;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;

/**
 * A path rate limit holds for every spelling of a path that Spring MVC routes to the limited handler: encoded
 * characters, path parameters, doubled slashes and dot segments do not step around it.
 */
@EmbeddedRegistry
@Timeout(120)
class RateLimitPathNormalisationTests {

    private static final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private static ConfigurableApplicationContext app;

    private static int port;

    @BeforeAll
    static void start(RegistryHandle registry) {
        app = new SpringApplicationBuilder(Inventory.class).web(WebApplicationType.SERVLET).properties(
                "spring.cloud.zookeeper.connect-string=" + registry.connectString(),
                "spring.application.name=traffic-path-provider", "server.port=0", "spring.config.import=optional:zookeeper:",
                "spring.cloud.zookeeper.discovery.instance-host=127.0.0.1",
                "meshkeeper.traffic.rate-limits.inventory.path=/inventory/**",
                "meshkeeper.traffic.rate-limits.inventory.rate=0").run();
        port = app.getEnvironment().getRequiredProperty("local.server.port", Integer.class);
    }

    @AfterAll
    static void stop() {
        if (app != null) {
            app.close();
        }
    }

    @Test
    void encodedPathsAreRoutedToTheirHandler() throws Exception {
        HttpResponse<String> response = get("/%63atalog/1");
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).isEqualTo("catalog 1");
    }

    @Test
    void encodedSpellingOfALimitedPathIsLimited() throws Exception {
        assertThat(get("/inventory/1").statusCode()).isEqualTo(429);
        HttpResponse<String> encoded = get("/%69nventory/1");
        assertThat(encoded.statusCode()).isEqualTo(429);
        assertThat(encoded.body()).contains("\"limit\":\"inventory\"");
    }

    @ParameterizedTest
    @ValueSource(strings = { "/%69nventory/1", "/%69%6e%76%65%6e%74%6f%72%79/1", "/inventory;v=1/1",
            "/inventory;jsessionid=abc/1", "//inventory/1", "/./inventory/1", "/catalog/../inventory/1",
            "/inventory/%31" })
    void noSpellingOfALimitedPathReachesItsHandler(String path) throws Exception {
        HttpResponse<String> response = get(path);
        assertThat(response.statusCode()).as(path).isNotEqualTo(200);
        assertThat(response.body()).as(path).doesNotContain("inventory 1");
    }

    @Test
    void routedPathIsDecodedAndNormalisedWithinTheContextPath() {
        assertThat(routed("/shop", "/shop/%69nventory/1")).isEqualTo("/inventory/1");
        assertThat(routed("", "/inventory;a=b/./x/../1/")).isEqualTo("/inventory/1/");
        assertThat(routed("", "//inventory//1")).isEqualTo("/inventory/1");
        assertThat(routed("", "/../inventory")).isEqualTo("/inventory");
        assertThat(routed("", "/")).isEqualTo("/");
    }

    private static String routed(String contextPath, String uri) {
        MockHttpServletRequest request = new MockHttpServletRequest("GET", uri);
        request.setContextPath(contextPath);
        return RateLimitFilter.routedPath(request);
    }

    private static HttpResponse<String> get(String path) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(10)).GET().build();
        return http.send(request, HttpResponse.BodyHandlers.ofString());
    }

    @Configuration(proxyBeanMethods = false)
    @EnableAutoConfiguration
    @RestController
    static class Inventory {

        @GetMapping("/inventory/{id}")
        String inventory(@PathVariable String id) {
            return "inventory " + id;
        }

        @GetMapping("/catalog/{id}")
        String catalog(@PathVariable String id) {
            return "catalog " + id;
        }
    }
}
