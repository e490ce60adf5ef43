package dev.meshkeeper.traffic;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.meshkeeper.loadbalancer.OutlierEjection;
import dev.meshkeeper.registry.junit.EmbeddedRegistry;
import dev.meshkeeper.registry.junit.RegistryHandle;
import dev.meshkeeper.testapps.MeshApps;
import dev.meshkeeper.testapps.ProviderEndpoints;
import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.cloud.client.ServiceInstance;
import org.springframework.cloud.client.discovery.DiscoveryClient;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.web.client.HttpServerErrorException;
import org.springframework.web.client.RestClient;

/**
 * Real providers registered by Spring Cloud Zookeeper in the embedded ZooKeeper, and consumers calling them through
 * a {@code @LoadBalanced RestClient}. A crash is a web server stopped abruptly while the application, its
 * ZooKeeper session and its registration stay up: what a SIGKILL looks like to a caller until the session expires.
 */
@EmbeddedRegistry
@Timeout(240)
class ResilientCallsEndToEndTests {

    private static final String CRASH = "resilience-crash";

    private static final String CRASH_BASELINE = "resilience-crash-baseline";

    private static final String CRASH_HEAVY = "resilience-crash-heavy";

    private static final String ORDERS = "resilience-orders";

    private static final List<ConfigurableApplicationContext> applications = new ArrayList<>();

    private static RegistryHandle registry;

    private static ConfigurableApplicationContext consumer;

    @BeforeAll
    static void startConsumer(RegistryHandle handle) {
        registry = handle;
        consumer = consumer("resilience-consumer");
    }

    @AfterAll
    static void stopApplications() {
        applications.forEach(ConfigurableApplicationContext::close);
    }

    @Test
    void providerCrashedUnderSteadyLoadCostsNoFailedGet() throws Exception {
        List<ConfigurableApplicationContext> providers = List.of(provider(CRASH, false), provider(CRASH, false),
                provider(CRASH, false));
        RestClient client = restClient(consumer);
        awaitInstances(consumer, CRASH, 3);

        LoadResult result = underLoad(client, CRASH, 4, Duration.ofSeconds(4), () -> crash(providers.get(1)));

        assertThat(result.failures()).as("failed GETs").isEmpty();
        assertThat(result.successes()).isGreaterThan(100);
        assertThat(consumer.getBean(DiscoveryClient.class).getInstances(CRASH)).as("crashed instance still registered")
                .hasSize(3);
        ServiceInstance crashed = instanceOnPort(consumer, CRASH, port(providers.get(1)));
        assertThat(consumer.getBean(OutlierEjection.class).isEjected(crashed)).isTrue();
    }

    @Test
    void withoutRetriesTheSameCrashFailsRequests() throws Exception {
        ConfigurableApplicationContext plain = consumer("resilience-consumer-plain",
                "--spring.cloud.loadbalancer.retry.enabled=false", "--meshkeeper.traffic.retry.enabled=false",
                "--meshkeeper.traffic.circuit-breaker.enabled=false");
        List<ConfigurableApplicationContext> providers = List.of(provider(CRASH_BASELINE, false),
                provider(CRASH_BASELINE, false), provider(CRASH_BASELINE, false));
        RestClient client = restClient(plain);
        awaitInstances(plain, CRASH_BASELINE, 3);

        LoadResult result = underLoad(client, CRASH_BASELINE, 4, Duration.ofSeconds(3),
                () -> crash(providers.get(1)));

        assertThat(result.failures()).isNotEmpty();
    }

    @Test
    void retryLeavesOutTheInstanceThatJustFailedEvenWhenTheBalancerFavoursIt() throws Exception {
        // Weighted 3:1 with the heavy instance crashed and outlier ejection off: the smooth weighted order
        // (a, a, b, a, a, a, b, ...) offers the crashed instance up to three times in a row, so every GET stays
        // answered only if each retry leaves out the instance the previous attempt failed on.
        ConfigurableApplicationContext weighted = consumer("resilience-consumer-weighted",
                "--meshkeeper.loadbalancer.strategy=weighted",
                "--meshkeeper.loadbalancer.outlier-ejection.enabled=false");
        ConfigurableApplicationContext heavy = provider(CRASH_HEAVY, false, "--meshkeeper.discovery.weight=3");
        ConfigurableApplicationContext light = provider(CRASH_HEAVY, false, "--meshkeeper.discovery.weight=1");
        RestClient client = restClient(weighted);
        awaitInstances(weighted, CRASH_HEAVY, 2);

        LoadResult result = underLoad(client, CRASH_HEAVY, 2, Duration.ofSeconds(3), () -> crash(heavy));

        assertThat(result.failures()).as("failed GETs").isEmpty();
        assertThat(MeshApps.endpoints(heavy).gets()).as("GETs the heavy instance answered").isPositive();
        assertThat(MeshApps.endpoints(light).gets()).as("GETs the light instance answered").isPositive();
        ServiceInstance crashed = instanceOnPort(weighted, CRASH_HEAVY, port(heavy));
        assertThat(weighted.getBean(OutlierEjection.class).isEjected(crashed)).isFalse();
    }

    @Test
    void postIsNotRetriedUnlessMarkedRetryable() {
        ConfigurableApplicationContext failing = provider(ORDERS, true);
        ConfigurableApplicationContext healthy = provider(ORDERS, false);
        RestClient client = restClient(consumer);
        awaitInstances(consumer, ORDERS, 2);

        int failures = 0;
        int successes = 0;
        for (int i = 0; i < 4; i++) {
            try {
                client.post().uri("http://" + ORDERS + "/orders").retrieve().body(String.class);
                successes++;
            }
            catch (HttpServerErrorException.ServiceUnavailable ex) {
                failures++;
            }
        }
        ProviderEndpoints failingOrders = MeshApps.endpoints(failing);
        ProviderEndpoints healthyOrders = MeshApps.endpoints(healthy);
        assertThat(failures).isEqualTo(2);
        assertThat(failingOrders.posts()).isEqualTo(failures);
        assertThat(healthyOrders.posts()).isEqualTo(successes);

        for (int i = 0; i < 4; i++) {
            assertThat(client.post().uri("http://" + ORDERS + "/orders")
                    .attribute(RetryableRequests.ATTRIBUTE, true).retrieve().body(String.class))
                    .isEqualTo(port(healthy));
        }
        assertThat(healthyOrders.posts()).isEqualTo(successes + 4);
    }

    @Test
    void getAnswered503IsRetriedOnAnotherInstance() {
        String service = "resilience-get-503";
        ConfigurableApplicationContext healthy = provider(service, false);
        ConfigurableApplicationContext failing = provider(service, true);
        RestClient client = restClient(consumer);
        awaitInstances(consumer, service, 2);

        for (int i = 0; i < 4; i++) {
            assertThat(client.get().uri("http://" + service + "/who").retrieve().body(String.class))
                    .isEqualTo(port(healthy));
        }
        assertThat(MeshApps.endpoints(failing).gets()).isGreaterThan(0);
    }

    @Test
    void circuitOpensForAServiceWhoseEveryInstanceFails() {
        String service = "resilience-all-down";
        provider(service, true);
        RestClient client = restClient(consumer);
        awaitInstances(consumer, service, 1);

        AtomicInteger serverErrors = new AtomicInteger();
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            try {
                client.get().uri("http://" + service + "/who").retrieve().body(String.class);
            }
            catch (HttpServerErrorException ex) {
                serverErrors.incrementAndGet();
            }
            catch (CallNotPermittedException ex) {
                // already open
            }
            assertThatThrownBy(() -> client.get().uri("http://" + service + "/who").retrieve().body(String.class))
                    .isInstanceOf(CallNotPermittedException.class)
                    .hasMessageContaining(service);
        });
        assertThat(serverErrors.get()).isGreaterThanOrEqualTo(5);
    }

    private static LoadResult underLoad(RestClient client, String service, int threads, Duration duration,
            Runnable crash) throws InterruptedException {
        ConcurrentLinkedQueue<Throwable> failures = new ConcurrentLinkedQueue<>();
        AtomicInteger successes = new AtomicInteger();
        AtomicBoolean running = new AtomicBoolean(true);
        CountDownLatch done = new CountDownLatch(threads);
        for (int t = 0; t < threads; t++) {
            Thread sender = new Thread(() -> {
                try {
                    while (running.get()) {
                        try {
                            client.get().uri("http://" + service + "/who").retrieve().body(String.class);
                            successes.incrementAndGet();
                        }
                        catch (RuntimeException ex) {
                            failures.add(ex);
                        }
                    }
                }
                finally {
                    done.countDown();
                }
            }, "resilience-sender-" + t);
            sender.start();
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> successes.get() >= 50);
        crash.run();
        long crashedAt = System.nanoTime();
        await().pollDelay(Duration.ofMillis(100)).atMost(duration.plusSeconds(10))
                .until(() -> System.nanoTime() - crashedAt >= duration.toNanos());
        running.set(false);
        assertThat(done.await(30, java.util.concurrent.TimeUnit.SECONDS)).as("senders stopped").isTrue();
        return new LoadResult(successes.get(), List.copyOf(failures));
    }

    record LoadResult(int successes, List<Throwable> failures) {
    }

    private static void crash(ConfigurableApplicationContext provider) {
        ((WebServerApplicationContext) provider).getWebServer().stop();
    }

    private static ServiceInstance instanceOnPort(ConfigurableApplicationContext context, String service,
            String port) {
        return context.getBean(DiscoveryClient.class).getInstances(service).stream()
                .filter((instance) -> String.valueOf(instance.getPort()).equals(port)).findFirst().orElseThrow();
    }

    private static void awaitInstances(ConfigurableApplicationContext context, String service, int count) {
        DiscoveryClient discovery = context.getBean(DiscoveryClient.class);
        await().atMost(Duration.ofSeconds(30))
                .untilAsserted(() -> assertThat(discovery.getInstances(service)).hasSize(count));
    }

    private static RestClient restClient(ConfigurableApplicationContext context) {
        return context.getBean(RestClient.Builder.class).build();
    }

    private static ConfigurableApplicationContext consumer(String name, String... extra) {
        List<String> arguments = new ArrayList<>(List.of("--spring.cloud.zookeeper.discovery.register=false",
                "--meshkeeper.loadbalancer.outlier-ejection.consecutive-failures=3"));
        arguments.addAll(List.of(extra));
        ConfigurableApplicationContext context = MeshApps.consumerApp(registry.connectString(), name)
                .run(arguments.toArray(new String[0]));
        applications.add(context);
        return context;
    }

    private static ConfigurableApplicationContext provider(String service, boolean failing, String... extra) {
        List<String> arguments = new ArrayList<>(List.of("--testapp.failing=" + failing));
        arguments.addAll(List.of(extra));
        ConfigurableApplicationContext context = MeshApps.providerApp(registry.connectString(), service)
                .run(arguments.toArray(new String[0]));
        applications.add(context);
        return context;
    }

    private static String port(ConfigurableApplicationContext context) {
        return MeshApps.port(context);
    }
}
