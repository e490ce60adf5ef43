package dev.meshkeeper.samples.order;

import static org.assertj.core.api.Assertions.assertThat;

import dev.meshkeeper.registry.junit.EmbeddedRegistry;
import dev.meshkeeper.registry.junit.RegistryHandle;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.http.HttpResponse;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.springframework.cloud.zookeeper.discovery.ZookeeperInstance;
import org.springframework.cloud.zookeeper.serviceregistry.ServiceInstanceRegistration;
import org.springframework.cloud.zookeeper.serviceregistry.ZookeeperServiceRegistry;
import org.springframework.context.ConfigurableApplicationContext;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * order-service when inventory cannot answer: every failure is an RFC 9457 problem detail that says what is wrong.
 */
@EmbeddedRegistry(dedicated = true)
@Timeout(120)
class OrderServiceFailureTests {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private static ConfigurableApplicationContext orders;

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

    @Test
    void noRegisteredInventoryIsA503ProblemDetail() throws Exception {
        HttpResponse<String> response = SampleApplications.get(orders, "/orders/quote?sku=SKU-1");

        assertThat(response.statusCode()).isEqualTo(503);
        OrderServiceBalancingTests.assertProblemContentType(response);
        JsonNode problem = JSON.readTree(response.body());
        assertThat(problem.get("title").asString()).isEqualTo("Inventory not available");
        assertThat(problem.get("detail").asString())
                .startsWith("No instance of inventory-service is registered and up");
        assertThat(response.body()).doesNotContain("Exception").doesNotContain("at org.");
    }

    @Test
    void registeredButDeadInventoryInstanceIsA503ProblemDetail() throws Exception {
        ZookeeperServiceRegistry registry = orders.getBean(ZookeeperServiceRegistry.class);
        ServiceInstanceRegistration dead = ServiceInstanceRegistration.builder().name("inventory-service")
                .id("inventory-service-dead").address("127.0.0.1").port(closedPort())
                .payload(new ZookeeperInstance("inventory-service-dead", "inventory-service", Map.of()))
                .defaultUriSpec().build();
        registry.register(dead);
        try {
            HttpResponse<String> response = SampleApplications.get(orders, "/orders/quote?sku=SKU-1");

            assertThat(response.statusCode()).isEqualTo(503);
            OrderServiceBalancingTests.assertProblemContentType(response);
            JsonNode problem = JSON.readTree(response.body());
            assertThat(problem.get("title").asString()).isEqualTo("Inventory unreachable");
            assertThat(problem.get("detail").asString())
                    .startsWith("No answer from an instance of inventory-service for SKU 'SKU-1'");
        }
        finally {
            registry.deregister(dead);
        }
    }

    /** A loopback port nothing listens on: bound, then released. */
    private static int closedPort() throws Exception {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
