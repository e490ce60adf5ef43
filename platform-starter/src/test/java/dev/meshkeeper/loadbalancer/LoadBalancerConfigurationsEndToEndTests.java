package dev.meshkeeper.loadbalancer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.meshkeeper.registry.junit.EmbeddedRegistry;
import dev.meshkeeper.registry.junit.RegistryHandle;
import dev.meshkeeper.testapps.MeshApps;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.cloud.client.ServiceInstance;
import org.springframework.cloud.client.discovery.DiscoveryClient;
import org.springframework.cloud.client.loadbalancer.LoadBalanced;
import org.springframework.cloud.loadbalancer.annotation.LoadBalancerClient;
import org.springframework.cloud.loadbalancer.core.ServiceInstanceListSupplier;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.web.client.RestClient;
import reactor.core.publisher.Flux;

/**
 * Spring Cloud LoadBalancer's {@code spring.cloud.loadbalancer.configurations} applied on top of Meshkeeper's watched
 * instances, and a supplier of the application's own kept, with real providers in an embedded ZooKeeper. Each
 * called service names its configuration with {@code spring.cloud.loadbalancer.clients.<service>.configurations}.
 */
@EmbeddedRegistry
@Timeout(240)
@ExtendWith(OutputCaptureExtension.class)
class LoadBalancerConfigurationsEndToEndTests {

    private static final String SAME = "cfg-same-instance";

    private static final String STICKY = "cfg-sticky";

    private static final String HEALTH = "cfg-health";

    private static final String SUBSET = "cfg-subset";

    private static final String CUSTOM = "cfg-custom";

    private static final String WEIGHTED = "cfg-weighted";

    private static final String ZONE = "cfg-zone";

    /** The port the application's own supplier of {@value #CUSTOM} offers. */
    private static final AtomicReference<String> customPort = new AtomicReference<>();

    private static final List<ConfigurableApplicationContext> applications = new ArrayList<>();

    private static RegistryHandle registry;

    private static ConfigurableApplicationContext consumer;

    private static RestClient client;

    @BeforeAll
    static void startConsumer(RegistryHandle handle) {
        registry = handle;
        String clients = "--spring.cloud.loadbalancer.clients.";
        consumer = new SpringApplicationBuilder(Consumer.class).web(WebApplicationType.NONE).run(
                "--spring.application.name=cfg-consumer",
                "--spring.cloud.zookeeper.connect-string=" + handle.connectString(),
                "--spring.config.import=optional:zookeeper:", "--spring.cloud.zookeeper.discovery.register=false",
                "--meshkeeper.traffic.retry.enabled=false", "--meshkeeper.traffic.circuit-breaker.enabled=false",
                clients + SAME + ".configurations=same-instance-preference",
                clients + STICKY + ".configurations=request-based-sticky-session",
                clients + HEALTH + ".configurations=health-check",
                "--spring.cloud.loadbalancer.health-check.path." + HEALTH + "=/health-probe",
                clients + SUBSET + ".configurations=subset", clients + SUBSET + ".subset.size=1",
                clients + WEIGHTED + ".configurations=weighted",
                // Meshkeeper's own zone preference off: only the configuration turns it on for ZONE.
                "--spring.cloud.loadbalancer.zone=zone-a", "--meshkeeper.loadbalancer.zone-preference=false",
                clients + ZONE + ".configurations=zone-preference");
        applications.add(consumer);
        client = consumer.getBean(RestClient.Builder.class).build();
    }

    @AfterAll
    static void stopApplications() {
        applications.forEach(ConfigurableApplicationContext::close);
    }

    @Test
    void sameInstancePreferenceKeepsCallingTheInstanceChosenFirst() {
        startProviders(SAME);
        assertThat(servedBy(SAME, 10)).hasSize(1).containsValue(10);
    }

    @Test
    void requestBasedStickySessionFollowsTheInstanceCookie() {
        ConfigurableApplicationContext second = startProviders(STICKY).get(1);
        String secondId = instanceOnPort(STICKY, port(second)).getInstanceId();
        for (int i = 0; i < 10; i++) {
            assertThat(client.get().uri("http://" + STICKY + "/who").cookie("sc-lb-instance-id", secondId)
                    .retrieve().body(String.class)).isEqualTo(port(second));
        }
    }

    @Test
    void healthCheckKeepsAnInstanceThatFailsItsCheckOutOfTheBalancing() {
        ConfigurableApplicationContext healthy = provider(HEALTH);
        ConfigurableApplicationContext failing = provider(HEALTH, "--testapp.failing=true");
        awaitInstances(HEALTH, 2);

        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(servedBy(HEALTH, 4))
                .containsOnlyKeys(port(healthy)));
        assertThat(servedBy(HEALTH, 20)).containsExactly(Map.entry(port(healthy), 20));
        assertThat(MeshApps.endpoints(failing).gets()).as("calls the failing instance received").isZero();
    }

    @Test
    void zonePreferenceConfigurationPrefersTheClientsZone() {
        provider(ZONE, "--spring.cloud.zookeeper.discovery.metadata.zone=zone-b");
        ConfigurableApplicationContext sameZone = provider(ZONE,
                "--spring.cloud.zookeeper.discovery.metadata.zone=zone-a");
        awaitInstances(ZONE, 2);
        assertThat(servedBy(ZONE, 10)).containsExactly(Map.entry(port(sameZone), 10));
    }

    @Test
    void subsetOfOneLimitsTheCallsToOneInstance() {
        startProviders(SUBSET);
        assertThat(servedBy(SUBSET, 10)).hasSize(1).containsValue(10);
    }

    @Test
    void aSupplierOfTheApplicationsOwnIsUsedAsItIsInsteadOfTheWatchedOne() {
        List<ConfigurableApplicationContext> providers = startProviders(CUSTOM);
        customPort.set(port(providers.get(1)));
        assertThat(servedBy(CUSTOM, 10)).containsExactly(Map.entry(port(providers.get(1)), 10));
    }

    @Test
    void aConfigurationThatIsNotAppliedIsNamedInOneWarning(CapturedOutput output) {
        for (int i = 0; i < 2; i++) {
            assertThatThrownBy(() -> client.get().uri("http://" + WEIGHTED + "/who").retrieve().body(String.class))
                    .isInstanceOf(RuntimeException.class);
        }
        String warning = "spring.cloud.loadbalancer.clients." + WEIGHTED + ".configurations 'weighted' is not applied";
        assertThat(output.getOut()).containsOnlyOnce(warning).contains("meshkeeper.loadbalancer.strategy=weighted");
    }

    private static Map<String, Integer> servedBy(String service, int calls) {
        Map<String, Integer> servedBy = new HashMap<>();
        for (int i = 0; i < calls; i++) {
            servedBy.merge(client.get().uri("http://" + service + "/who").retrieve().body(String.class), 1,
                    Integer::sum);
        }
        return servedBy;
    }

    private static List<ConfigurableApplicationContext> startProviders(String service) {
        List<ConfigurableApplicationContext> providers = List.of(provider(service), provider(service));
        awaitInstances(service, 2);
        return providers;
    }

    private static ConfigurableApplicationContext provider(String service, String... extra) {
        ConfigurableApplicationContext context = MeshApps.providerApp(registry.connectString(), service).run(extra);
        applications.add(context);
        return context;
    }

    private static void awaitInstances(String service, int count) {
        DiscoveryClient discovery = consumer.getBean(DiscoveryClient.class);
        await().atMost(Duration.ofSeconds(30))
                .untilAsserted(() -> assertThat(discovery.getInstances(service)).hasSize(count));
    }

    private static ServiceInstance instanceOnPort(String service, String port) {
        return consumer.getBean(DiscoveryClient.class).getInstances(service).stream()
                .filter((instance) -> String.valueOf(instance.getPort()).equals(port)).findFirst().orElseThrow();
    }

    private static String port(ConfigurableApplicationContext context) {
        return LoadBalancedClientContractTests.port(context);
    }

    @SpringBootConfiguration
    @EnableAutoConfiguration
    @LoadBalancerClient(name = CUSTOM, configuration = OwnSupplierConfiguration.class)
    static class Consumer {

        @Bean
        @LoadBalanced
        RestClient.Builder loadBalancedRestClientBuilder() {
            return RestClient.builder();
        }
    }

    /** The application's own supplier for {@value #CUSTOM}: only the instance on {@link #customPort}. */
    static class OwnSupplierConfiguration {

        @Bean
        ServiceInstanceListSupplier ownSupplier(DiscoveryClient discovery) {
            return new ServiceInstanceListSupplier() {
                @Override
                public String getServiceId() {
                    return CUSTOM;
                }

                @Override
                public Flux<List<ServiceInstance>> get() {
                    return Flux.defer(() -> Flux.just(discovery.getInstances(CUSTOM).stream()
                            .filter((instance) -> String.valueOf(instance.getPort()).equals(customPort.get()))
                            .toList()));
                }
            };
        }
    }
}
