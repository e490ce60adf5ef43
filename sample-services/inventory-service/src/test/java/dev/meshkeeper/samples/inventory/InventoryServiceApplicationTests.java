package dev.meshkeeper.samples.inventory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.meshkeeper.registry.junit.EmbeddedRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.apache.curator.framework.CuratorFramework;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

@EmbeddedRegistry
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT, properties = {
        "meshkeeper.discovery.zone=zone-test", "meshkeeper.discovery.weight=3" })
@Timeout(90)
class InventoryServiceApplicationTests {

    private static final String SERVICE_PATH = "/services/inventory-service";

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private final JsonMapper json = JsonMapper.builder().build();

    @LocalServerPort
    int port;

    @Autowired
    CuratorFramework curator;

    @Test
    void stockAnswerNamesTheRegisteredInstanceItsZoneAndItsVersion() throws Exception {
        HttpResponse<String> response = get("/inventory/SKU-42");

        assertThat(response.statusCode()).isEqualTo(200);
        JsonNode stock = this.json.readTree(response.body());
        assertThat(stock.get("sku").asString()).isEqualTo("SKU-42");
        assertThat(stock.get("available").asInt()).isEqualTo(100);
        assertThat(stock.get("zone").asString()).isEqualTo("zone-test");
        assertThat(stock.get("version").asString()).isEqualTo("v1");
        String servedBy = stock.get("servedBy").asString();
        assertThat(this.curator.getChildren().forPath(SERVICE_PATH)).containsExactly(servedBy);
    }

    @Test
    void registrationCarriesZoneAndWeightAsStandardMetadata() throws Exception {
        String id = this.curator.getChildren().forPath(SERVICE_PATH).get(0);
        JsonNode registration = this.json.readTree(new String(
                this.curator.getData().forPath(SERVICE_PATH + "/" + id), StandardCharsets.UTF_8));

        assertThat(registration.get("address").asString()).isEqualTo("127.0.0.1");
        assertThat(registration.get("port").asInt()).isEqualTo(this.port);
        JsonNode metadata = registration.get("payload").get("metadata");
        assertThat(metadata.get("zone").asString()).isEqualTo("zone-test");
        assertThat(metadata.get("weight").asString()).isEqualTo("3");
        assertThat(metadata.get("version").asString()).isEqualTo("v1");
    }

    @Test
    void malformedSkuIsRefusedWithAProblemDetailNamingIt() throws Exception {
        HttpResponse<String> response = get("/inventory/no%20spaces!");

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(
                type -> assertThat(type).startsWith("application/problem+json"));
        JsonNode problem = this.json.readTree(response.body());
        assertThat(problem.get("status").asInt()).isEqualTo(400);
        assertThat(problem.get("detail").asString()).isEqualTo(
                "SKU 'no spaces!' is invalid: use 1 to 64 letters, digits, '.', '-' or '_'");
    }

    @Test
    void healthIsUp() {
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            HttpResponse<String> response = get("/actuator/health");
            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(this.json.readTree(response.body()).get("status").asString()).isEqualTo("UP");
        });
    }

    private HttpResponse<String> get(String path) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + this.port + path))
                .timeout(Duration.ofSeconds(10)).GET().build();
        return this.http.send(request, HttpResponse.BodyHandlers.ofString());
    }
}
