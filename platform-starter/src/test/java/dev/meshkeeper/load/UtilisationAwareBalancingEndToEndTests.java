package dev.meshkeeper.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.meshkeeper.discovery.InstanceRegistration;
import dev.meshkeeper.registry.junit.EmbeddedRegistry;
import dev.meshkeeper.registry.junit.RegistryHandle;
import dev.meshkeeper.testapps.MeshApps;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.curator.framework.CuratorFramework;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.WebApplicationType;
import org.springframework.cloud.client.discovery.DiscoveryClient;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.http.ResponseEntity;
import org.springframework.web.client.RestClient;

/**
 * The bounded short form of the utilisation-aware balancing benchmark: three providers of one service, one of them
 * slow, and two callers with least-loaded; plus what providers publish (header, metadata writes).
 */
@EmbeddedRegistry
@Timeout(180)
class UtilisationAwareBalancingEndToEndTests {

    private static final Logger logger = LoggerFactory.getLogger(UtilisationAwareBalancingEndToEndTests.class);

    private static final String SERVICE = "load-e2e";

    private static final List<ConfigurableApplicationContext> contexts = new ArrayList<>();

    private static final List<ConfigurableApplicationContext> providers = new ArrayList<>();

    private static final List<ConfigurableApplicationContext> callers = new ArrayList<>();

    private static ConfigurableApplicationContext slow;

    @BeforeAll
    static void startApplications(RegistryHandle registry) {
        slow = provider(registry, WebApplicationType.SERVLET, "--testapp.delay-ms=200");
        provider(registry, WebApplicationType.SERVLET, "--testapp.delay-ms=5");
        provider(registry, WebApplicationType.REACTIVE, "--testapp.delay-ms=5");
        for (int i = 0; i < 2; i++) {
            ConfigurableApplicationContext caller = MeshApps.consumerApp(registry.connectString(), "load-e2e-caller")
                    .run("--spring.cloud.zookeeper.discovery.register=false",
                            "--spring.cloud.loadbalancer.cache.enabled=false",
                            "--meshkeeper.loadbalancer.clients." + SERVICE + ".strategy=least-loaded",
                            "--meshkeeper.traffic.retry.enabled=false",
                            "--meshkeeper.traffic.circuit-breaker.enabled=false");
            contexts.add(caller);
            callers.add(caller);
        }
        for (ConfigurableApplicationContext caller : callers) {
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(
                    caller.getBean(DiscoveryClient.class).getInstances(SERVICE)).hasSize(3));
        }
    }

    @AfterAll
    static void stopApplications() {
        contexts.forEach(ConfigurableApplicationContext::close);
    }

    @Test
    void servletAndReactiveProvidersPutTheirLoadOnEveryResponse() {
        for (ConfigurableApplicationContext provider : providers) {
            ResponseEntity<String> response = RestClient.create().get()
                    .uri("http://127.0.0.1:" + port(provider) + "/work").retrieve().toEntity(String.class);
            assertThat(response.getHeaders().getFirst(LoadFigure.HEADER)).matches("[01]\\.\\d\\d");
        }
    }

    @Test
    void theSlowProviderGetsClearlyLessThanAnEqualShareAndSteadyProvidersStopWriting() throws Exception {
        String slowPort = port(slow);
        long versionBefore = nodeVersion(slow);
        long started = System.nanoTime();
        Map<String, AtomicInteger> servedBy = new ConcurrentHashMap<>();
        int threadsPerCaller = 4;
        int callsPerThread = 40;
        ExecutorService pool = Executors.newFixedThreadPool(threadsPerCaller * callers.size());
        try {
            List<Future<?>> runs = new ArrayList<>();
            for (ConfigurableApplicationContext caller : callers) {
                RestClient client = caller.getBean(RestClient.Builder.class).build();
                for (int t = 0; t < threadsPerCaller; t++) {
                    runs.add(pool.submit(() -> {
                        for (int i = 0; i < callsPerThread; i++) {
                            String port = client.get().uri("http://" + SERVICE + "/work").retrieve()
                                    .body(String.class);
                            servedBy.computeIfAbsent(port, (p) -> new AtomicInteger()).incrementAndGet();
                        }
                        return null;
                    }));
                }
            }
            for (Future<?> run : runs) {
                run.get(120, TimeUnit.SECONDS);
            }
        }
        finally {
            pool.shutdownNow();
        }
        double seconds = (System.nanoTime() - started) / 1e9;
        int total = servedBy.values().stream().mapToInt(AtomicInteger::get).sum();
        int toSlow = servedBy.getOrDefault(slowPort, new AtomicInteger()).get();
        logger.info("Served by port: {} (slow: {}) in {} s", servedBy, slowPort, seconds);
        assertThat(total).isEqualTo(callers.size() * threadsPerCaller * callsPerThread);
        // An equal share would be a third.
        assertThat(toSlow).isLessThan(total / 6);
        // At most one metadata write per publish interval (1 s) while the load moved.
        long writes = nodeVersion(slow) - versionBefore;
        assertThat(writes).isLessThanOrEqualTo((long) Math.ceil(seconds) + 1);
        // Once idle, the load settles and a steady provider writes nothing more.
        await().atMost(Duration.ofSeconds(10))
                .until(() -> "0.00".equals(slow.getBean(InstanceRegistration.class).metadata().get("load")));
        long settled = nodeVersion(slow);
        await().during(Duration.ofMillis(2500)).atMost(Duration.ofSeconds(5))
                .until(() -> nodeVersion(slow) == settled);
    }

    private static long nodeVersion(ConfigurableApplicationContext provider) throws Exception {
        String id = provider.getBean(InstanceRegistration.class).instanceId();
        return provider.getBean(CuratorFramework.class).checkExists().forPath("/services/" + SERVICE + "/" + id)
                .getVersion();
    }

    private static ConfigurableApplicationContext provider(RegistryHandle registry, WebApplicationType type,
            String... extraArguments) {
        List<String> arguments = new ArrayList<>(List.of("--meshkeeper.load.capacity=8"));
        arguments.addAll(List.of(extraArguments));
        ConfigurableApplicationContext context = MeshApps.providerApp(registry.connectString(), SERVICE).web(type)
                .run(arguments.toArray(new String[0]));
        contexts.add(context);
        providers.add(context);
        return context;
    }

    private static String port(ConfigurableApplicationContext context) {
        return MeshApps.port(context);
    }
}
