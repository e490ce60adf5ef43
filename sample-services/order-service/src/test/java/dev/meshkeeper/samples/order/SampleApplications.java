package dev.meshkeeper.samples.order;

import dev.meshkeeper.samples.inventory.InventoryServiceApplication;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.cloud.zookeeper.serviceregistry.ZookeeperRegistration;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Starts the sample applications in this JVM on random ports, as separate Spring applications with their own
 * ZooKeeper sessions, the way they run as separate processes in the demo.
 */
final class SampleApplications {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private SampleApplications() {
    }

    /**
     * An inventory-service instance in the given zone, running version {@code v1}. Its settings are passed as
     * arguments because on this test class path {@code application.properties} is order-service's.
     */
    static ConfigurableApplicationContext startInventory(String connectString, String zone) {
        return new SpringApplicationBuilder(InventoryServiceApplication.class).run(
                common(connectString, "inventory-service",
                        "--meshkeeper.discovery.zone=" + zone,
                        "--spring.cloud.zookeeper.discovery.metadata.zone=" + zone,
                        "--meshkeeper.discovery.version=v1",
                        "--spring.cloud.zookeeper.discovery.metadata.version=v1",
                        "--meshkeeper.traffic.rate-limits.inventory-reads.rate-property=inventory.rate-limit"));
    }

    static ConfigurableApplicationContext startOrderService(String connectString, String... extraArgs) {
        return new SpringApplicationBuilder(OrderServiceApplication.class)
                .run(common(connectString, "order-service", extraArgs));
    }

    private static String[] common(String connectString, String name, String... extraArgs) {
        List<String> args = new ArrayList<>(List.of("--spring.application.name=" + name, "--server.port=0",
                "--spring.cloud.zookeeper.connect-string=" + connectString,
                "--spring.config.import=optional:zookeeper:",
                "--spring.cloud.zookeeper.discovery.instance-host=127.0.0.1"));
        args.addAll(List.of(extraArgs));
        return args.toArray(String[]::new);
    }

    /** The instance id the application registered: its znode name under {@code /services/<name>/}. */
    static String instanceId(ConfigurableApplicationContext context) {
        return context.getBean(ZookeeperRegistration.class).getServiceInstance().getId();
    }

    static int port(ConfigurableApplicationContext context) {
        return context.getEnvironment().getRequiredProperty("local.server.port", Integer.class);
    }

    static HttpResponse<String> get(ConfigurableApplicationContext context, String pathAndQuery) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port(context) + pathAndQuery))
                .timeout(Duration.ofSeconds(15)).GET().build();
        return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
    }

    static void close(ConfigurableApplicationContext... contexts) {
        for (ConfigurableApplicationContext context : contexts) {
            if (context != null) {
                context.close();
            }
        }
    }
}
