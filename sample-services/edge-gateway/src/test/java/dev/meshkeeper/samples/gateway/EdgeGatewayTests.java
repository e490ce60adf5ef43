package dev.meshkeeper.samples.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.meshkeeper.registry.junit.EmbeddedRegistry;
import dev.meshkeeper.registry.junit.RegistryHandle;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.cloud.client.discovery.ReactiveDiscoveryClient;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.Environment;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.client.RestClient;
import reactor.core.publisher.Mono;

/**
 * A WebFlux application with the starter — Spring Cloud Gateway, no servlet API on the class path — starts, and its
 * {@code lb://} route balances over reactive provider instances found through Meshkeeper's discovery, and a request
 * pinned to a version with {@code X-Meshkeeper-Version} reaches only that version, header included.
 */
@EmbeddedRegistry
@Timeout(120)
class EdgeGatewayTests {

    static ConfigurableApplicationContext providerA;

    static ConfigurableApplicationContext providerB;

    static ConfigurableApplicationContext gateway;

    @BeforeAll
    static void start(RegistryHandle registry) {
        providerA = provider(registry, "v1");
        providerB = provider(registry, "v2");
        gateway = new SpringApplicationBuilder(EdgeGatewayApplication.class)
                .web(WebApplicationType.REACTIVE)
                .run(common(registry, "edge-gateway"));
    }

    @AfterAll
    static void stop() {
        for (ConfigurableApplicationContext context : new ConfigurableApplicationContext[] { gateway, providerA,
                providerB }) {
            if (context != null) {
                context.close();
            }
        }
    }

    @Test
    void neitherTheServletApiNorZooKeeperConfigLoadingIsOnTheClassPath() {
        // without Spring Cloud Zookeeper's config starter, no spring.config.import is needed
        assertThat(getClass().getClassLoader().getResource("jakarta/servlet/Filter.class")).isNull();
        assertThat(getClass().getClassLoader()
                .getResource("org/springframework/cloud/zookeeper/config/ZookeeperConfigDataLocationResolver.class"))
                .isNull();
        assertThat(getClass().getClassLoader().getResource("org/springframework/retry/RetryPolicy.class")).isNull();
    }

    @Test
    void aLoadBalancedRouteReachesBothProviderInstances() {
        RestClient client = RestClient.create("http://127.0.0.1:" + port(gateway));
        Set<String> answeredBy = new HashSet<>();
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            answeredBy.add(client.get().uri("/inventory/sku-1").retrieve().body(String.class));
            assertThat(answeredBy).containsExactlyInAnyOrder(port(providerA), port(providerB));
        });
    }

    @Test
    void theReactiveDiscoveryClientSeesBothProviderInstances() {
        ReactiveDiscoveryClient discovery = gateway.getBean(ReactiveDiscoveryClient.class);
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(
                discovery.getInstances("inventory-service").map(instance -> String.valueOf(instance.getPort()))
                        .collectList().block(Duration.ofSeconds(5)))
                .containsExactlyInAnyOrder(port(providerA), port(providerB)));
    }

    @Test
    void aRequestPinnedToAVersionIsRoutedToThatVersionAndKeepsItsPin() {
        RestClient client = RestClient.create("http://127.0.0.1:" + port(gateway));
        String pinnedToV2 = port(providerB) + " pinned to v2";
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(client.get().uri("/inventory/sku-1")
                .header("X-Meshkeeper-Version", "v2").retrieve().body(String.class)).isEqualTo(pinnedToV2));
        for (int i = 0; i < 10; i++) {
            assertThat(client.get().uri("/inventory/sku-1").header("X-Meshkeeper-Version", "v2").retrieve()
                    .body(String.class)).isEqualTo(pinnedToV2);
        }
    }

    private static ConfigurableApplicationContext provider(RegistryHandle registry, String version) {
        String[] common = common(registry, "inventory-service");
        String[] arguments = Arrays.copyOf(common, common.length + 1);
        arguments[common.length] = "--meshkeeper.discovery.version=" + version;
        return new SpringApplicationBuilder(ReactiveProvider.class).web(WebApplicationType.REACTIVE).run(arguments);
    }

    private static String[] common(RegistryHandle registry, String name) {
        // command-line arguments: they win over the gateway's application.properties
        return new String[] { "--spring.application.name=" + name, "--server.port=0", "--server.address=127.0.0.1",
                "--spring.cloud.zookeeper.connect-string=" + registry.connectString(),
                "--spring.cloud.zookeeper.discovery.instance-host=127.0.0.1" };
    }

    private static String port(ConfigurableApplicationContext context) {
        return context.getBean(Environment.class).getProperty("local.server.port");
    }

    @SpringBootApplication
    static class ReactiveProvider {

        @RestController
        static class Stock {

            private final Environment environment;

            Stock(Environment environment) {
                this.environment = environment;
            }

            @GetMapping("/inventory/{sku}")
            Mono<String> stock(@PathVariable String sku,
                    @RequestHeader(name = "X-Meshkeeper-Version", required = false) String pinned) {
                String port = this.environment.getProperty("local.server.port");
                return Mono.just((pinned != null) ? port + " pinned to " + pinned : port);
            }
        }
    }
}
