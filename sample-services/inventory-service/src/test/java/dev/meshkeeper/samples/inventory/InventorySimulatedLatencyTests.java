package dev.meshkeeper.samples.inventory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.meshkeeper.registry.junit.EmbeddedRegistry;
import dev.meshkeeper.registry.junit.RegistryHandle;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.ExponentialBackoffRetry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * {@code inventory.simulated-latency}: set live through ZooKeeper config, it delays stock queries of the instance,
 * and removing it makes them prompt again; every answer carries the instance's published load.
 */
@EmbeddedRegistry
@Timeout(120)
class InventorySimulatedLatencyTests {

    private static final String LATENCY = "/config/inventory-service/inventory/simulated-latency";

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private static CuratorFramework curator;

    private static ConfigurableApplicationContext inventory;

    @BeforeAll
    static void startInventory(RegistryHandle registry) throws Exception {
        curator = CuratorFrameworkFactory.newClient(registry.connectString(), new ExponentialBackoffRetry(200, 5));
        curator.start();
        curator.blockUntilConnected(30, TimeUnit.SECONDS);
        inventory = new SpringApplicationBuilder(InventoryServiceApplication.class).run("--server.port=0",
                "--spring.cloud.zookeeper.connect-string=" + registry.connectString(),
                "--spring.cloud.zookeeper.discovery.instance-host=127.0.0.1", "--spring.main.banner-mode=off");
    }

    @AfterAll
    static void stop() {
        if (inventory != null) {
            inventory.close();
        }
        if (curator != null) {
            curator.close();
        }
    }

    @Test
    void simulatedLatencySetLiveDelaysStockQueriesUntilRemoved() throws Exception {
        InventoryProperties properties = inventory.getBean(InventoryProperties.class);
        assertThat(properties.getSimulatedLatency()).isZero();
        curator.create().creatingParentsIfNeeded().forPath(LATENCY, "400ms".getBytes(StandardCharsets.UTF_8));
        await().atMost(Duration.ofSeconds(30))
                .until(() -> properties.getSimulatedLatency().equals(Duration.ofMillis(400)));
        long started = System.nanoTime();
        HttpResponse<String> response = get("/inventory/SKU-SLOW");
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isGreaterThanOrEqualTo(Duration.ofMillis(400));
        assertThat(response.headers().firstValue("X-Meshkeeper-Load")).hasValueSatisfying(
                (load) -> assertThat(load).matches("[01]\\.\\d\\d"));

        curator.delete().forPath(LATENCY);
        await().atMost(Duration.ofSeconds(30)).until(() -> properties.getSimulatedLatency().isZero());
    }

    private static HttpResponse<String> get(String path) throws Exception {
        String port = inventory.getEnvironment().getProperty("local.server.port");
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    }
}
