package dev.meshkeeper.loadbalancer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.meshkeeper.registry.junit.EmbeddedRegistry;
import dev.meshkeeper.registry.junit.MutableClock;
import dev.meshkeeper.registry.junit.RegistryHandle;
import dev.meshkeeper.testapps.MeshApps;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.springframework.cloud.client.discovery.DiscoveryClient;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.client.HttpServerErrorException;
import org.springframework.web.client.RestClient;

/**
 * Real provider applications registered by Spring Cloud Zookeeper in an embedded ZooKeeper, and a consumer calling
 * them through a {@code @LoadBalanced RestClient}.
 */
@EmbeddedRegistry
@Timeout(180)
class LoadBalancingEndToEndTests {

    private static final String WEIGHTED = "lb-e2e-weighted";

    private static final String FLAKY = "lb-e2e-flaky";

    private static final String LATENCY = "lb-e2e-latency";

    private static final List<ConfigurableApplicationContext> providers = new ArrayList<>();

    private static ConfigurableApplicationContext consumer;

    private static RestClient restClient;

    private static ConfigurableApplicationContext heavy;

    private static ConfigurableApplicationContext light;

    private static ConfigurableApplicationContext failing;

    private static ConfigurableApplicationContext slow;

    @BeforeAll
    static void startApplications(RegistryHandle registry) {
        heavy = provider(registry, WEIGHTED, "3", false);
        light = provider(registry, WEIGHTED, "1", false);
        provider(registry, FLAKY, "1", false);
        provider(registry, FLAKY, "1", false);
        failing = provider(registry, FLAKY, "1", true);
        slow = provider(registry, LATENCY, "1", false, "--testapp.delay-ms=150");
        provider(registry, LATENCY, "1", false);
        consumer = MeshApps.consumerApp(registry.connectString(), "lb-e2e-consumer").with(ClockConfiguration.class)
                .run("--spring.cloud.zookeeper.discovery.register=false",
                "--spring.cloud.loadbalancer.cache.enabled=false",
                "--meshkeeper.loadbalancer.clients." + WEIGHTED + ".strategy=weighted",
                "--meshkeeper.loadbalancer.clients." + LATENCY + ".strategy=least-loaded",
                "--meshkeeper.loadbalancer.outlier-ejection.consecutive-failures=3",
                "--meshkeeper.loadbalancer.outlier-ejection.base-ejection-time=30s",
                "--meshkeeper.traffic.retry.enabled=false", "--meshkeeper.traffic.circuit-breaker.enabled=false");
        restClient = consumer.getBean(RestClient.Builder.class).build();
        DiscoveryClient discovery = consumer.getBean(DiscoveryClient.class);
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            assertThat(discovery.getInstances(WEIGHTED)).hasSize(2);
            assertThat(discovery.getInstances(FLAKY)).hasSize(3);
            assertThat(discovery.getInstances(LATENCY)).hasSize(2);
        });
    }

    @AfterAll
    static void stopApplications() {
        if (consumer != null) {
            consumer.close();
        }
        providers.forEach(ConfigurableApplicationContext::close);
    }

    @Test
    void weightedStrategySplitsRequestsExactlyByPublishedWeight() {
        Map<String, Integer> servedBy = new HashMap<>();
        for (int i = 0; i < 40; i++) {
            String port = restClient.get().uri("http://" + WEIGHTED + "/who").retrieve().body(String.class);
            servedBy.merge(port, 1, Integer::sum);
        }
        assertThat(servedBy)
                .containsExactlyInAnyOrderEntriesOf(Map.of(MeshApps.port(heavy), 30, MeshApps.port(light), 10));
    }

    @Test
    void instanceAnswering503IsEjectedAndReturnsAfterTheBackOff() {
        String failingPort = MeshApps.port(failing);
        int failures = 0;
        for (int i = 0; i < 30 && failures < 3; i++) {
            try {
                restClient.get().uri("http://" + FLAKY + "/who").retrieve().body(String.class);
            }
            catch (HttpServerErrorException.ServiceUnavailable ex) {
                failures++;
            }
        }
        assertThat(failures).isEqualTo(3);
        MeterRegistry meters = consumer.getBean(MeterRegistry.class);
        assertThat(meters.get("meshkeeper.loadbalancer.ejections").tag("service", FLAKY).counter().count())
                .isEqualTo(1.0);
        assertThat(meters.get("meshkeeper.loadbalancer.ejected").tag("service", FLAKY).gauge().value())
                .isEqualTo(1.0);
        assertThat(consumer.getBean(LoadBalancingEndpointContributor.class).describe()).asString()
                .contains(FLAKY + "={strategy=round-robin, ejected={" + FLAKY);

        for (int i = 0; i < 20; i++) {
            String port = restClient.get().uri("http://" + FLAKY + "/who").retrieve().body(String.class);
            assertThat(port).isNotEqualTo(failingPort);
        }

        MeshApps.endpoints(failing).failing(false);
        consumer.getBean(MutableClock.class).advance(Duration.ofSeconds(31));
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(
                restClient.get().uri("http://" + FLAKY + "/who").retrieve().body(String.class))
                .isEqualTo(failingPort));
        assertThat(meters.get("meshkeeper.loadbalancer.ejected").tag("service", FLAKY).gauge().value())
                .isEqualTo(0.0);
    }

    @Test
    void leastLoadedAvoidsTheInstanceThatAnswersSlowlyAndGivesItAFairShareOnceItIsFastAgain() {
        String slowPort = MeshApps.port(slow);
        Map<String, Integer> servedBy = callLatencyService(30);
        // Until it has answered once its latency is unknown; after that the fast instance is always cheaper.
        assertThat(servedBy.getOrDefault(slowPort, 0)).isBetween(0, 2);
        assertThat(servedBy.values().stream().mapToInt(Integer::intValue).sum()).isEqualTo(30);
        assertThat(consumer.getBean(LoadBalancingEndpointContributor.class).describe()).asString()
                .contains(LATENCY + "={strategy=least-loaded", "latencyEwmaMillis", "publishedLoad={", "header=");

        MeshApps.endpoints(slow).delayMillis(0);
        MutableClock clock = consumer.getBean(MutableClock.class);
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
            // the consumer's time, which decays stale latency figures and spaces probes, moves on between batches
            clock.advance(Duration.ofMillis(2100));
            assertThat(callLatencyService(20).getOrDefault(slowPort, 0)).isGreaterThanOrEqualTo(5);
        });
    }

    private static Map<String, Integer> callLatencyService(int calls) {
        Map<String, Integer> servedBy = new HashMap<>();
        for (int i = 0; i < calls; i++) {
            String port = restClient.get().uri("http://" + LATENCY + "/who").retrieve().body(String.class);
            servedBy.merge(port, 1, Integer::sum);
        }
        return servedBy;
    }

    private static ConfigurableApplicationContext provider(RegistryHandle registry, String service, String weight,
            boolean failing, String... extraArguments) {
        List<String> arguments = new ArrayList<>(List.of(
                "--spring.cloud.zookeeper.discovery.metadata.weight=" + weight, "--testapp.failing=" + failing));
        arguments.addAll(List.of(extraArguments));
        ConfigurableApplicationContext context = MeshApps.providerApp(registry.connectString(), service)
                .run(arguments.toArray(new String[0]));
        providers.add(context);
        return context;
    }

    @Configuration(proxyBeanMethods = false)
    static class ClockConfiguration {

        @Bean
        MutableClock clock() {
            return new MutableClock(Instant.now());
        }
    }
}
