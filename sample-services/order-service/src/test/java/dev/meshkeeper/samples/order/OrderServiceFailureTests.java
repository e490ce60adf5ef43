package dev.meshkeeper.samples.order;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpServer;
import dev.meshkeeper.loadbalancer.OutlierEjection;
import dev.meshkeeper.registry.junit.EmbeddedRegistry;
import dev.meshkeeper.registry.junit.FreePorts;
import dev.meshkeeper.registry.junit.RegistryHandle;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
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

    private final List<ServiceInstanceRegistration> registered = new ArrayList<>();

    private final List<HttpServer> fakeInventories = new ArrayList<>();

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
        if (!this.registered.isEmpty()) {
            this.registered.forEach(orders.getBean(ZookeeperServiceRegistry.class)::deregister);
            this.registered.clear();
            // Discovery is a watched cache: wait until it has seen the removal before the next test.
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(
                    orders.getBean(DiscoveryClient.class).getInstances("inventory-service")).isEmpty());
        }
        this.fakeInventories.forEach((server) -> server.stop(0));
        this.fakeInventories.clear();
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

    @Test
    void inventoryOverItsRateLimitIsA429ProblemDetailWithItsRetryAfterAndIsNotRetriedElsewhere() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        String tooMany = "{\"type\":\"about:blank\",\"title\":\"Too Many Requests\",\"status\":429,"
                + "\"detail\":\"Rate limit 'inventory-reads' of this service is exhausted; retry after 3 s\"}";
        String first = registerInventoryAt(
                fakeInventoryAnswering(429, "application/problem+json", tooMany, calls, "3"));
        String second = registerInventoryAt(
                fakeInventoryAnswering(429, "application/problem+json", tooMany, calls, "3"));
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(
                orders.getBean(DiscoveryClient.class).getInstances("inventory-service")).hasSize(2));

        for (int i = 0; i < 4; i++) {
            HttpResponse<String> response = SampleApplications.get(orders, "/orders/quote?sku=SKU-1");
            assertThat(response.headers().firstValue("Retry-After")).hasValue("3");
            JsonNode problem = problemIn(response, 429);
            assertThat(problem.get("title").asString()).isEqualTo("Inventory over its rate limit");
            assertThat(problem.get("detail").asString()).isEqualTo("inventory-service refused SKU 'SKU-1' with 429, "
                    + "over its rate limit: Rate limit 'inventory-reads' of this service is exhausted; retry after 3 s");
        }
        // One inventory call per quote: a 429 is the answer, not a failure to try on the other instance.
        assertThat(calls.get()).isEqualTo(4);
        assertThat(orders.getBean(OutlierEjection.class).ejectedInstances("inventory-service"))
                .doesNotContainKeys(first, second);
    }

    private JsonNode problemFor(int status) throws Exception {
        return problemIn(SampleApplications.get(orders, "/orders/quote?sku=SKU-1"), status);
    }

    private JsonNode problemIn(HttpResponse<String> response, int status) throws Exception {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        OrderServiceBalancingTests.assertProblemContentType(response);
        assertThat(response.body()).doesNotContain("Exception").doesNotContain("\tat ");
        JsonNode problem = JSON.readTree(response.body());
        assertThat(problem.get("status").asInt()).isEqualTo(status);
        assertThat(problem.get("service").asString()).isEqualTo("inventory-service");
        return problem;
    }

    private String registerInventoryAt(int port) {
        String id = "inventory-service-test-" + port;
        ServiceInstanceRegistration registration = ServiceInstanceRegistration.builder().name("inventory-service")
                .id(id).address("127.0.0.1").port(port)
                .payload(new ZookeeperInstance(id, "inventory-service", Map.of())).defaultUriSpec().build();
        orders.getBean(ZookeeperServiceRegistry.class).register(registration);
        this.registered.add(registration);
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(
                orders.getBean(DiscoveryClient.class).getInstances("inventory-service")).isNotEmpty());
        return id;
    }

    /** An HTTP server on a random loopback port that answers every request the same way. */
    private int fakeInventoryAnswering(int status, String contentType, String body) throws Exception {
        return fakeInventoryAnswering(status, contentType, body, new AtomicInteger(), null);
    }

    /** The same, counting the requests it gets and sending {@code Retry-After} when given. */
    private int fakeInventoryAnswering(int status, String contentType, String body, AtomicInteger calls,
            String retryAfter) throws Exception {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", exchange -> {
            calls.incrementAndGet();
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", contentType);
            if (retryAfter != null) {
                exchange.getResponseHeaders().set("Retry-After", retryAfter);
            }
            exchange.sendResponseHeaders(status, bytes.length);
            exchange.getResponseBody().write(bytes);
            exchange.close();
        });
        server.start();
        this.fakeInventories.add(server);
        return server.getAddress().getPort();
    }

    /** A loopback port nothing listens on. */
    private static int closedPort() {
        return FreePorts.take();
    }
}
