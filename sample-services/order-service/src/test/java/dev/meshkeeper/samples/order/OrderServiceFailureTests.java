package dev.meshkeeper.samples.order;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpServer;
import dev.meshkeeper.registry.junit.EmbeddedRegistry;
import dev.meshkeeper.registry.junit.RegistryHandle;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.springframework.cloud.client.discovery.DiscoveryClient;
import org.springframework.cloud.zookeeper.discovery.ZookeeperInstance;
import org.springframework.cloud.zookeeper.serviceregistry.ServiceInstanceRegistration;
import org.springframework.cloud.zookeeper.serviceregistry.ZookeeperServiceRegistry;
import org.springframework.context.ConfigurableApplicationContext;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * order-service when inventory cannot answer: every failure is an RFC 9457 problem detail that says what is wrong.
 * The misbehaving inventory instances are registered through Spring Cloud Zookeeper's own service registry, exactly
 * as a real instance registers.
 */
@EmbeddedRegistry(dedicated = true)
@Timeout(120)
class OrderServiceFailureTests {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private static ConfigurableApplicationContext orders;

    private ServiceInstanceRegistration registered;

    private HttpServer fakeInventory;

    @BeforeAll
    static void startOrderService(RegistryHandle registry) {
        // Each test changes the registrations; the balancer must read them on every call, not from its TTL cache.
        orders = SampleApplications.startOrderService(registry.connectString(),
                "--spring.cloud.loadbalancer.cache.enabled=false");
    }

    @AfterAll
    static void stopOrderService() {
        SampleApplications.close(orders);
    }

    @AfterEach
    void removeInventory() {
        if (this.registered != null) {
            orders.getBean(ZookeeperServiceRegistry.class).deregister(this.registered);
            // Discovery is a watched cache: wait until it has seen the removal before the next test.
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(
                    orders.getBean(DiscoveryClient.class).getInstances("inventory-service")).isEmpty());
        }
        if (this.fakeInventory != null) {
            this.fakeInventory.stop(0);
        }
    }

    @Test
    void noRegisteredInventoryIsA503ProblemDetail() throws Exception {
        JsonNode problem = problemFor(503);

        assertThat(problem.get("title").asString()).isEqualTo("Inventory not available");
        assertThat(problem.get("detail").asString())
                .startsWith("No instance of inventory-service is registered and up");
    }

    @Test
    void registeredButDeadInventoryInstanceIsA503ProblemDetail() throws Exception {
        registerInventoryAt(closedPort());

        JsonNode problem = problemFor(503);

        assertThat(problem.get("title").asString()).isEqualTo("Inventory unreachable");
        assertThat(problem.get("detail").asString()).isEqualTo("No answer from an instance of inventory-service for "
                + "SKU 'SKU-1': connection refused; the instance may have just stopped, try again");
    }

    @Test
    void inventoryServerErrorIsA502ProblemDetail() throws Exception {
        registerInventoryAt(fakeInventoryAnswering(500, "text/plain", "out of order"));

        JsonNode problem = problemFor(502);

        assertThat(problem.get("title").asString()).isEqualTo("Inventory failed");
        assertThat(problem.get("detail").asString()).isEqualTo("inventory-service failed on SKU 'SKU-1' with 500");
    }

    @Test
    void unreadableInventoryAnswerIsA502ProblemDetail() throws Exception {
        registerInventoryAt(fakeInventoryAnswering(200, "text/html", "<html>not a stock level</html>"));

        JsonNode problem = problemFor(502);

        assertThat(problem.get("title").asString()).isEqualTo("Inventory answer unreadable");
        assertThat(problem.get("detail").asString())
                .startsWith("inventory-service answered SKU 'SKU-1' with something that is not a stock level");
    }

    private JsonNode problemFor(int status) throws Exception {
        HttpResponse<String> response = SampleApplications.get(orders, "/orders/quote?sku=SKU-1");
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        OrderServiceBalancingTests.assertProblemContentType(response);
        assertThat(response.body()).doesNotContain("Exception").doesNotContain("\tat ");
        JsonNode problem = JSON.readTree(response.body());
        assertThat(problem.get("status").asInt()).isEqualTo(status);
        assertThat(problem.get("service").asString()).isEqualTo("inventory-service");
        return problem;
    }

    private void registerInventoryAt(int port) {
        String id = "inventory-service-test-" + port;
        this.registered = ServiceInstanceRegistration.builder().name("inventory-service").id(id)
                .address("127.0.0.1").port(port)
                .payload(new ZookeeperInstance(id, "inventory-service", Map.of())).defaultUriSpec().build();
        orders.getBean(ZookeeperServiceRegistry.class).register(this.registered);
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(
                orders.getBean(DiscoveryClient.class).getInstances("inventory-service")).isNotEmpty());
    }

    /** An HTTP server on a random loopback port that answers every request the same way. */
    private int fakeInventoryAnswering(int status, String contentType, String body) throws Exception {
        this.fakeInventory = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        this.fakeInventory.createContext("/", exchange -> {
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", contentType);
            exchange.sendResponseHeaders(status, bytes.length);
            exchange.getResponseBody().write(bytes);
            exchange.close();
        });
        this.fakeInventory.start();
        return this.fakeInventory.getAddress().getPort();
    }

    /** A loopback port nothing listens on: bound, then released. */
    private static int closedPort() throws Exception {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
