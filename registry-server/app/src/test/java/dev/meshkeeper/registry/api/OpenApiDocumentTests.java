package dev.meshkeeper.registry.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.meshkeeper.registry.RegistryServerApplication;
import dev.meshkeeper.registry.TestRegistryProperties;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** The admin API's OpenAPI description at {@code /api/v1/openapi.json}: what it covers and who may read it. */
@SpringBootTest(classes = RegistryServerApplication.class, webEnvironment = WebEnvironment.RANDOM_PORT)
@Timeout(180)
class OpenApiDocumentTests {

    /** Every operation the admin API offers; the description must keep describing each of them. */
    static final List<String> OPERATIONS = List.of(
            "GET /api/v1/services",
            "GET /api/v1/services/{service}",
            "GET /api/v1/services/{service}/instances/{id}",
            "PUT /api/v1/services/{service}/instances/{id}/status",
            "GET /api/v1/services/{service}/instances/{id}/history",
            "GET /api/v1/locks",
            "GET /api/v1/leaders",
            "GET /api/v1/placement",
            "GET /api/v1/topology",
            "GET /api/v1/timeline",
            "GET /api/v1/cluster",
            "GET /api/v1/audit",
            "GET /api/v1/events",
            "GET /api/v1/openapi.json",
            "GET /api/v1/config",
            "GET /api/v1/config/{context}",
            "PUT /api/v1/config/{context}",
            "PUT /api/v1/config/{context}/properties/{key}",
            "DELETE /api/v1/config/{context}/properties/{key}",
            "DELETE /api/v1/config/{context}/properties",
            "GET /api/v1/config/{context}/history",
            "GET /api/v1/config/{context}/diff",
            "POST /api/v1/config/{context}/rollback",
            "GET /api/v1/config/{context}/export",
            "POST /api/v1/config/{context}/import",
            "GET /api/v1/data",
            "GET /api/v1/data/{name}",
            "PUT /api/v1/data/{name}",
            "DELETE /api/v1/data/{name}",
            "GET /api/v1/data/{name}/{key}",
            "PUT /api/v1/data/{name}/{key}",
            "DELETE /api/v1/data/{name}/{key}");

    @TempDir
    static Path dataDir;

    @DynamicPropertySource
    static void registry(DynamicPropertyRegistry registry) {
        TestRegistryProperties.server(registry, () -> 0, dataDir);
        TestRegistryProperties.user(registry, "vic", "viewer");
    }

    @LocalServerPort
    int httpPort;

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private final JsonMapper json = JsonMapper.builder().build();

    @Test
    void descriptionIsOpenApi31AndDescribesEveryOperationWithASummary() throws Exception {
        JsonNode document = document();

        assertThat(document.get("openapi").asString()).startsWith("3.1");
        List<String> missing = new ArrayList<>();
        List<String> unsummarised = new ArrayList<>();
        for (String operation : OPERATIONS) {
            String[] parts = operation.split(" ");
            JsonNode described = document.path("paths").path(parts[1]).path(parts[0].toLowerCase());
            if (described.isMissingNode()) {
                missing.add(operation);
            }
            else if (described.path("summary").asString("").isBlank()) {
                unsummarised.add(operation);
            }
        }
        assertThat(missing).isEmpty();
        assertThat(unsummarised).isEmpty();
    }

    @Test
    void descriptionNeedsAViewer() throws Exception {
        assertThat(get("/api/v1/openapi.json", null).statusCode()).isEqualTo(401);
        assertThat(get("/api/v1/openapi.json", "vic").statusCode()).isEqualTo(200);
    }

    private JsonNode document() throws Exception {
        HttpResponse<String> response = get("/api/v1/openapi.json", "vic");
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return this.json.readTree(response.body());
    }

    private HttpResponse<String> get(String path, String user) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + this.httpPort + path))
                .timeout(Duration.ofSeconds(20)).header("Accept", "application/json").GET();
        if (user != null) {
            request.header("Authorization", "Basic " + Base64.getEncoder()
                    .encodeToString((user + ":" + user + "-pw").getBytes(StandardCharsets.UTF_8)));
        }
        return this.http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
