package dev.meshkeeper.samples.order;

import static org.assertj.core.api.Assertions.assertThat;

import dev.meshkeeper.registry.junit.EmbeddedRegistry;
import dev.meshkeeper.registry.junit.RegistryHandle;
import java.math.BigDecimal;
import java.net.http.HttpResponse;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.springframework.context.ConfigurableApplicationContext;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * order-service quoting through the load balancer over two real inventory-service instances, each with its own
 * ZooKeeper session and web server.
 */
@EmbeddedRegistry(dedicated = true)
@Timeout(180)
class OrderServiceBalancingTests {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private static ConfigurableApplicationContext inventoryA;

    private static ConfigurableApplicationContext inventoryB;

    private static ConfigurableApplicationContext orders;

    @BeforeAll
    static void startServices(RegistryHandle registry) {
        inventoryA = SampleApplications.startInventory(registry.connectString(), "zone-a");
        inventoryB = SampleApplications.startInventory(registry.connectString(), "zone-b");
        // Started last, so its first look at inventory-service already finds both registrations.
        orders = SampleApplications.startOrderService(registry.connectString());
    }

    @AfterAll
    static void stopServices() {
        SampleApplications.close(orders, inventoryA, inventoryB);
    }

    @Test
    void quotesAreServedByBothInventoryInstances() throws Exception {
        Map<String, String> zoneById = Map.of(SampleApplications.instanceId(inventoryA), "zone-a",
                SampleApplications.instanceId(inventoryB), "zone-b");
        Map<String, Integer> tally = new HashMap<>();
        for (int i = 0; i < 20; i++) {
            HttpResponse<String> response = SampleApplications.get(orders, "/orders/quote?sku=SKU-7&quantity=3");
            assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
            JsonNode quote = JSON.readTree(response.body());
            String servedBy = quote.get("servedBy").asString();
            assertThat(zoneById).containsKey(servedBy);
            assertThat(quote.get("zone").asString()).isEqualTo(zoneById.get(servedBy));
            assertThat(quote.get("version").asString()).isEqualTo("v1");
            assertThat(quote.get("sku").asString()).isEqualTo("SKU-7");
            assertThat(quote.get("quantity").asInt()).isEqualTo(3);
            assertThat(quote.get("available").asInt()).isEqualTo(100);
            assertThat(quote.get("inStock").asBoolean()).isTrue();
            assertThat(quote.get("total").decimalValue())
                    .isEqualByComparingTo(quote.get("unitPrice").decimalValue().multiply(BigDecimal.valueOf(3)));
            tally.merge(servedBy, 1, Integer::sum);
        }
        assertThat(tally).containsOnlyKeys(zoneById.keySet());
    }

    @Test
    void refusalByInventoryIsPassedOnAsAProblemDetail() throws Exception {
        HttpResponse<String> response = SampleApplications.get(orders, "/orders/quote?sku=no%20spaces!");

        assertThat(response.statusCode()).isEqualTo(400);
        assertProblemContentType(response);
        JsonNode problem = JSON.readTree(response.body());
        assertThat(problem.get("status").asInt()).isEqualTo(400);
        assertThat(problem.get("title").asString()).isEqualTo("Inventory refused the request");
        assertThat(problem.get("detail").asString()).isEqualTo("inventory-service refused SKU 'no spaces!' with 400: "
                + "SKU 'no spaces!' is invalid: use 1 to 64 letters, digits, '.', '-' or '_'");
        assertThat(problem.get("service").asString()).isEqualTo("inventory-service");
    }

    @Test
    void missingSkuIsAProblemDetail() throws Exception {
        HttpResponse<String> response = SampleApplications.get(orders, "/orders/quote");

        assertThat(response.statusCode()).isEqualTo(400);
        assertProblemContentType(response);
        assertThat(JSON.readTree(response.body()).get("detail").asString()).contains("sku");
    }

    @Test
    void quantityBelowOneIsAProblemDetail() throws Exception {
        HttpResponse<String> response = SampleApplications.get(orders, "/orders/quote?sku=SKU-7&quantity=0");

        assertThat(response.statusCode()).isEqualTo(400);
        assertProblemContentType(response);
    }

    static void assertProblemContentType(HttpResponse<String> response) {
        assertThat(response.headers().firstValue("Content-Type"))
                .hasValueSatisfying(type -> assertThat(type).startsWith("application/problem+json"));
    }
}
