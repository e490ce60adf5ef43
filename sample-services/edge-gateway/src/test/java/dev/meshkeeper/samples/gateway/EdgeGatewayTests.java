package dev.meshkeeper.samples.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.meshkeeper.registry.junit.EmbeddedRegistry;
import dev.meshkeeper.registry.junit.RegistryHandle;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.cloud.client.discovery.ReactiveDiscoveryClient;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.http.client.ReactorResourceFactory;
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
@Timeout(240)
class EdgeGatewayTests {

    private static final Logger logger = LoggerFactory.getLogger(EdgeGatewayTests.class);

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

    @Test
    void closingOneOfTwoProvidersBehindALoadBalancedRouteFailsNoRequest(RegistryHandle registry) throws Exception {
        ConfigurableApplicationContext first = orderService(registry);
        ConfigurableApplicationContext second = orderService(registry);
        try {
            RestClient client = RestClient.create("http://127.0.0.1:" + port(gateway));
            Map<String, AtomicLong> served = new ConcurrentHashMap<>();
            List<Throwable> failures = new CopyOnWriteArrayList<>();
            AtomicBoolean sending = new AtomicBoolean(true);
            AtomicLong sent = new AtomicLong();
            ExecutorService senderThreads = Executors.newFixedThreadPool(2);
            List<CompletableFuture<Void>> senders = List.of(1, 2).stream()
                    .map((n) -> CompletableFuture.runAsync(() -> {
                        while (sending.get()) {
                            try {
                                String port = client.get().uri("/orders/o-1").retrieve().body(String.class);
                                served.computeIfAbsent(port, (p) -> new AtomicLong()).incrementAndGet();
                            }
                            catch (RuntimeException ex) {
                                failures.add(ex);
                            }
                            sent.incrementAndGet();
                            // A steady stream, paced so that two cores also serve the applications under test.
                            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
                        }
                    }, senderThreads)).toList();
            try {
                await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
                    assertThat(served.getOrDefault(port(first), new AtomicLong()).get()).isGreaterThan(10);
                    assertThat(served.getOrDefault(port(second), new AtomicLong()).get()).isGreaterThan(10);
                });
                String firstPort = port(first);
                long sentAtClose = sent.get();
                first.close();
                long sentWhileClosing = sent.get() - sentAtClose;
                long sentAfterClose = sent.get();
                await().atMost(Duration.ofSeconds(60)).until(() -> sent.get() > sentAfterClose + 50);
                sending.set(false);
                CompletableFuture.allOf(senders.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);
                logger.info("gateway: {} requests in all, {} while the provider drained and closed, {} failed",
                        sent.get(), sentWhileClosing, failures.size());
                assertThat(failures).as("failed requests").isEmpty();
                assertThat(served.get(firstPort).get()).isGreaterThan(10);
            }
            finally {
                sending.set(false);
                senderThreads.shutdown();
            }
        }
        finally {
            first.close();
            second.close();
        }
    }

    private static ConfigurableApplicationContext orderService(RegistryHandle registry) {
        return new SpringApplicationBuilder(ReactiveProvider.class, OwnNettyResources.class)
                .web(WebApplicationType.REACTIVE).run(common(registry, "order-service"));
    }

    /**
     * Netty resources of the application's own: by default every reactive application in a JVM shares Reactor
     * Netty's global event loops, and the first one to close disposes of them for all (the gateway included).
     */
    static class OwnNettyResources {

        @Bean
        ReactorResourceFactory reactorResourceFactory() {
            ReactorResourceFactory factory = new ReactorResourceFactory();
            factory.setUseGlobalResources(false);
            return factory;
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

            @GetMapping("/orders/{id}")
            Mono<String> order(@PathVariable String id) {
                return Mono.just(this.environment.getProperty("local.server.port"));
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
