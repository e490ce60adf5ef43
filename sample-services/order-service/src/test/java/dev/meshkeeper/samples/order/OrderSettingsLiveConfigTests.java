package dev.meshkeeper.samples.order;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.meshkeeper.registry.junit.EmbeddedRegistry;
import dev.meshkeeper.registry.junit.RegistryHandle;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.RetryOneTime;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.springframework.context.ConfigurableApplicationContext;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * order-service's {@code orders.*} rules changed live in ZooKeeper by a plain ZooKeeper client (a Curator client of
 * the test's own, not the application's), in both of Spring Cloud Zookeeper's key forms.
 */
@EmbeddedRegistry(dedicated = true)
@Timeout(180)
class OrderSettingsLiveConfigTests {

    private static final String CONTEXT = "/config/order-service";

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private static final Duration CHANGE = Duration.ofSeconds(15);

    private static ConfigurableApplicationContext orders;

    private static CuratorFramework operator;

    @BeforeAll
    static void start(RegistryHandle registry) throws InterruptedException {
        orders = SampleApplications.startOrderService(registry.connectString());
        operator = CuratorFrameworkFactory.newClient(registry.connectString(), 10_000, 5_000, new RetryOneTime(100));
        operator.start();
        assertThat(operator.blockUntilConnected(10, TimeUnit.SECONDS)).isTrue();
    }

    @AfterAll
    static void stop() {
        if (operator != null) {
            operator.close();
        }
        SampleApplications.close(orders);
    }

    @AfterEach
    void removeWrittenConfigAndAwaitTheDefaults() throws Exception {
        if (operator.checkExists().forPath(CONTEXT) != null) {
            operator.delete().deletingChildrenIfNeeded().forPath(CONTEXT);
        }
        await().atMost(CHANGE).untilAsserted(() -> {
            JsonNode settings = settings();
            assertThat(settings.get("maxQuantity").asInt()).isEqualTo(20);
            assertThat(settings.get("expressShipping").asBoolean()).isFalse();
        });
    }

    @Test
    void settingsStartWithTheDefaults() throws Exception {
        HttpResponse<String> response = SampleApplications.get(orders, "/orders/settings");
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(response.body()).get("maxQuantity").asInt()).isEqualTo(20);
        assertThat(JSON.readTree(response.body()).get("expressShipping").asBoolean()).isFalse();
    }

    @Test
    void maxQuantityWrittenAsNestedZnodeChangesTheLimitOfQuotesLive() throws Exception {
        assertThat(quoteStatus(21)).isEqualTo(400);

        write(CONTEXT + "/orders/max-quantity", "5");

        await().atMost(CHANGE).untilAsserted(() -> assertThat(settings().get("maxQuantity").asInt()).isEqualTo(5));
        HttpResponse<String> refused = SampleApplications.get(orders, "/orders/quote?sku=SKU-1&quantity=6");
        assertThat(refused.statusCode()).isEqualTo(400);
        assertThat(refused.headers().firstValue("Content-Type")).hasValueSatisfying(
                type -> assertThat(type).startsWith("application/problem+json"));
        JsonNode problem = JSON.readTree(refused.body());
        assertThat(problem.get("maxQuantity").asInt()).isEqualTo(5);
        assertThat(problem.get("detail").asString()).contains("orders.max-quantity is 5");
        // Within the limit the quote goes on to inventory (none runs here: 503), so the limit did not refuse it.
        assertThat(quoteStatus(5)).isEqualTo(503);
    }

    @Test
    void dottedKeyAndFeatureFlagChangeLive() throws Exception {
        write(CONTEXT + "/orders.max-quantity", "250");
        write(CONTEXT + "/orders.express-shipping", "true");

        await().atMost(CHANGE).untilAsserted(() -> {
            JsonNode settings = settings();
            assertThat(settings.get("maxQuantity").asInt()).isEqualTo(250);
            assertThat(settings.get("expressShipping").asBoolean()).isTrue();
        });
        assertThat(quoteStatus(251)).isEqualTo(400);
        assertThat(quoteStatus(250)).isEqualTo(503);
    }

    @Test
    void invalidValuesAreRejectedAndTheLastGoodValueStays() throws Exception {
        String path = CONTEXT + "/orders/max-quantity";
        write(path, "30");
        await().atMost(CHANGE).untilAsserted(() -> assertThat(settings().get("maxQuantity").asInt()).isEqualTo(30));

        for (String bad : new String[] { "0", "-5", "lots", "1000001" }) {
            double rejectedBefore = rejected();
            write(path, bad);
            await().atMost(CHANGE).untilAsserted(() -> assertThat(rejected()).as("rejections after writing '%s'", bad)
                    .isGreaterThan(rejectedBefore));
            assertThat(settings().get("maxQuantity").asInt()).as("max quantity after writing '%s'", bad).isEqualTo(30);
            assertThat(quoteStatus(31)).isEqualTo(400);
        }

        write(path, "40");
        await().atMost(CHANGE).untilAsserted(() -> assertThat(settings().get("maxQuantity").asInt()).isEqualTo(40));
    }

    private static void write(String path, String value) throws Exception {
        byte[] data = value.getBytes(StandardCharsets.UTF_8);
        if (operator.checkExists().forPath(path) == null) {
            operator.create().creatingParentsIfNeeded().forPath(path, data);
        }
        else {
            operator.setData().forPath(path, data);
        }
    }

    private static JsonNode settings() throws Exception {
        HttpResponse<String> response = SampleApplications.get(orders, "/orders/settings");
        assertThat(response.statusCode()).isEqualTo(200);
        return JSON.readTree(response.body());
    }

    private static int quoteStatus(int quantity) throws Exception {
        return SampleApplications.get(orders, "/orders/quote?sku=SKU-1&quantity=" + quantity).statusCode();
    }

    private static double rejected() {
        Counter counter = orders.getBean(MeterRegistry.class).find("meshkeeper.config.changes")
                .tag("outcome", "rejected").counter();
        return (counter != null) ? counter.count() : 0;
    }
}
