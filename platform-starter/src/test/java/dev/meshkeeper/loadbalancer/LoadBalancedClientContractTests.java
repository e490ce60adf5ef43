package dev.meshkeeper.loadbalancer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.meshkeeper.registry.junit.EmbeddedRegistry;
import dev.meshkeeper.registry.junit.RegistryHandle;
import dev.meshkeeper.testapps.MeshApps;
import java.time.Duration;
import java.util.List;
import java.util.Map;
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
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.cloud.client.discovery.DiscoveryClient;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.client.RestClient;

/**
 * One contract for every Spring HTTP client that calls services through Spring Cloud LoadBalancer, run against real
 * provider applications registered in an embedded ZooKeeper: balancing over two instances, a graceful stop of one
 * provider under a steady stream of calls with no failed call, a crashed provider's calls retried on the other
 * instance, and the pinned version of a served request carried to the calls it makes. Each implementation starts a
 * consumer web application that calls {@code GET http://{service}/who} through the client under test, both
 * directly ({@link Caller}) and from its own {@code GET /relay?service=...} endpoint.
 */
@EmbeddedRegistry
@Timeout(300)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class LoadBalancedClientContractTests {

    private static final Logger logger = LoggerFactory.getLogger(LoadBalancedClientContractTests.class);

    private final List<ConfigurableApplicationContext> applications = new CopyOnWriteArrayList<>();

    private RegistryHandle registry;

    private ConfigurableApplicationContext consumer;

    /** A short name of the client, which prefixes the service names of the class. */
    abstract String client();

    /** The consumer application: the client under test, a {@link Caller} bean and {@code GET /relay}. */
    abstract Class<?> consumerApplication();

    WebApplicationType consumerWebApplicationType() {
        return WebApplicationType.SERVLET;
    }

    /** Calls the client under test directly: the body of {@code GET http://{service}/who}. */
    interface Caller {

        String who(String service);
    }

    @BeforeAll
    void startConsumer(RegistryHandle handle) {
        this.registry = handle;
        this.consumer = new SpringApplicationBuilder(consumerApplication()).web(consumerWebApplicationType()).run(
                "--spring.application.name=" + client() + "-consumer", "--server.port=0",
                "--spring.cloud.zookeeper.connect-string=" + handle.connectString(),
                "--spring.config.import=optional:zookeeper:", "--spring.cloud.zookeeper.discovery.register=false");
        this.applications.add(this.consumer);
    }

    @AfterAll
    void stopApplications() {
        this.applications.forEach(ConfigurableApplicationContext::close);
    }

    ConfigurableApplicationContext consumer() {
        return this.consumer;
    }

    String call(String service) {
        return this.consumer.getBean(Caller.class).who(service);
    }

    @Test
    void callsAreBalancedEvenlyOverTwoInstancesAndAPinnedVersionIsCarriedToOutgoingCalls() {
        String service = client() + "-versions";
        ConfigurableApplicationContext v1 = provider(service, "--meshkeeper.discovery.version=v1");
        ConfigurableApplicationContext v2 = provider(service, "--meshkeeper.discovery.version=v2");
        awaitInstances(service, 2);

        Map<String, Integer> servedBy = new ConcurrentHashMap<>();
        for (int i = 0; i < 20; i++) {
            servedBy.merge(call(service), 1, Integer::sum);
        }
        assertThat(servedBy).containsExactlyInAnyOrderEntriesOf(Map.of(port(v1), 10, port(v2), 10));

        RestClient direct = RestClient.create("http://127.0.0.1:" + port(this.consumer));
        for (int i = 0; i < 10; i++) {
            assertThat(direct.get().uri("/relay?service=" + service).header(PinnedVersion.HEADER, "v2").retrieve()
                    .body(String.class)).isEqualTo(port(v2));
        }
        assertThat(MeshApps.endpoints(v2).pinnedGets()).as("calls that arrived pinned to v2").isEqualTo(10);
        assertThat(MeshApps.endpoints(v1).pinnedGets()).isZero();
    }

    @Test
    void closingOneOfTwoProvidersUnderASteadyStreamOfCallsFailsNoCall() throws Exception {
        String service = client() + "-drain";
        ConfigurableApplicationContext first = provider(service);
        ConfigurableApplicationContext second = provider(service);
        awaitInstances(service, 2);

        Map<String, AtomicLong> served = new ConcurrentHashMap<>();
        List<Throwable> failures = new CopyOnWriteArrayList<>();
        AtomicBoolean sending = new AtomicBoolean(true);
        AtomicLong sent = new AtomicLong();
        ExecutorService senderThreads = Executors.newFixedThreadPool(2);
        List<CompletableFuture<Void>> senders = List.of(1, 2).stream().map((n) -> CompletableFuture.runAsync(() -> {
            while (sending.get()) {
                try {
                    served.computeIfAbsent(call(service), (port) -> new AtomicLong()).incrementAndGet();
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
            long firstServedAfterClose = served.get(firstPort).get();
            long sentAfterClose = sent.get();
            await().atMost(Duration.ofSeconds(60)).until(() -> sent.get() > sentAfterClose + 50);
            sending.set(false);
            CompletableFuture.allOf(senders.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);
            logger.info("{}: {} calls in all, {} while the provider drained and closed, {} failed", client(),
                    sent.get(), sentWhileClosing, failures.size());

            assertThat(failures).as("failed calls").isEmpty();
            assertThat(served.get(firstPort).get()).isEqualTo(firstServedAfterClose);
            assertThat(served.get(port(second)).get()).isGreaterThan(10);
        }
        finally {
            sending.set(false);
            senderThreads.shutdown();
        }
    }

    @Test
    void callsToACrashedProviderAreRetriedOnTheOtherInstance() {
        String service = client() + "-crash";
        ConfigurableApplicationContext crashed = provider(service);
        ConfigurableApplicationContext healthy = provider(service);
        awaitInstances(service, 2);
        assertThat(call(service)).isIn(port(crashed), port(healthy));

        // The web server stops while the application and its registration stay: a crash as callers see it.
        ((WebServerApplicationContext) crashed).getWebServer().stop();
        for (int i = 0; i < 20; i++) {
            assertThat(call(service)).isEqualTo(port(healthy));
        }
    }

    ConfigurableApplicationContext provider(String service, String... extra) {
        ConfigurableApplicationContext context = MeshApps.providerApp(this.registry.connectString(), service)
                .run(extra);
        this.applications.add(context);
        return context;
    }

    void awaitInstances(String service, int count) {
        DiscoveryClient discovery = this.consumer.getBean(DiscoveryClient.class);
        await().atMost(Duration.ofSeconds(30))
                .untilAsserted(() -> assertThat(discovery.getInstances(service)).hasSize(count));
    }

    static String port(ConfigurableApplicationContext context) {
        return MeshApps.port(context);
    }

    /** {@code GET /relay?service=...} of a servlet consumer: calls the service through the {@link Caller}. */
    @RestController
    static class ServletRelay {

        private final Caller caller;

        ServletRelay(Caller caller) {
            this.caller = caller;
        }

        @GetMapping("/relay")
        String relay(@RequestParam String service) {
            return this.caller.who(service);
        }
    }
}
