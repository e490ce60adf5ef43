package dev.meshkeeper.traffic;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.meshkeeper.registry.junit.EmbeddedRegistry;
import dev.meshkeeper.registry.junit.RegistryHandle;
import dev.meshkeeper.testapps.WebClientConsumer;
import dev.meshkeeper.testapps.MeshApps;
import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.cloud.circuitbreaker.resilience4j.Resilience4JCircuitBreakerFactory;
import org.springframework.cloud.client.discovery.DiscoveryClient;
import org.springframework.cloud.client.loadbalancer.LoadBalanced;
import org.springframework.cloud.openfeign.EnableFeignClients;
import org.springframework.cloud.openfeign.FeignClientBuilder;
import org.springframework.context.ApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.client.RestClient;
import org.springframework.web.reactive.function.client.WebClient;

/**
 * Circuit breaking reaches {@code @LoadBalanced WebClient} calls and OpenFeign calls by service name as it reaches
 * {@code RestClient}: a provider that keeps failing opens the breaker of its service, further calls then fail at once
 * with {@link CallNotPermittedException} without reaching it, trial calls after the open time reopen it while the
 * provider still fails, and close it once the provider answers again. One breaker per service, whichever client
 * calls. Real providers registered in the embedded ZooKeeper; outlier ejection is off so that only the breaker
 * decides.
 */
@EmbeddedRegistry
@Timeout(180)
class CircuitBreakingClientsEndToEndTests {

    private static final Logger logger = LoggerFactory.getLogger(CircuitBreakingClientsEndToEndTests.class);

    private static final List<ConfigurableApplicationContext> applications = new ArrayList<>();

    private static RegistryHandle registry;

    private static ConfigurableApplicationContext consumer;

    @BeforeAll
    static void startConsumer(RegistryHandle handle) {
        registry = handle;
        consumer = MeshApps.consumerApp(registry.connectString(), "breaking-consumer")
                .with(WebClientConsumer.class, Consumer.class).run(
                "--spring.cloud.zookeeper.discovery.register=false",
                "--meshkeeper.loadbalancer.outlier-ejection.enabled=false",
                "--meshkeeper.traffic.circuit-breaker.sliding-window-size=4",
                "--meshkeeper.traffic.circuit-breaker.minimum-number-of-calls=4",
                "--meshkeeper.traffic.circuit-breaker.failure-rate-threshold=50",
                "--meshkeeper.traffic.circuit-breaker.wait-duration-in-open-state=1s",
                "--meshkeeper.traffic.circuit-breaker.permitted-number-of-calls-in-half-open-state=2");
        applications.add(consumer);
    }

    @AfterAll
    static void stopApplications() {
        applications.forEach(ConfigurableApplicationContext::close);
    }

    @Test
    void aFailingProviderOpensTheWebClientBreakerWhichThenFailsFastAndClosesOnRecovery() {
        Function<String, String> webClient = (service) -> consumer.getBean(WebClient.class).get()
                .uri("http://" + service + "/outcome").retrieve().bodyToMono(String.class)
                .block(Duration.ofSeconds(10));
        opensFailsFastAndRecovers("breaking-webclient", webClient);
    }

    @Test
    void aFailingProviderOpensTheOpenFeignBreakerWhichThenFailsFastAndClosesOnRecovery() {
        opensFailsFastAndRecovers("breaking-feign", (service) -> consumer.getBean(FeignCallers.class).who(service));
    }

    @Test
    void webClientAndRestClientCallsOfAServiceShareOneBreaker() {
        String service = "breaking-shared";
        Outcomes provider = provider(service);
        awaitInstance(service);
        provider.failing.set(true);
        WebClient webClient = consumer.getBean(WebClient.class);
        awaitOpen(service, (name) -> webClient.get().uri("http://" + name + "/outcome").retrieve()
                .bodyToMono(String.class).block(Duration.ofSeconds(10)));
        int hits = provider.hits.get();
        RestClient restClient = consumer.getBean(RestClient.class);
        assertThatThrownBy(() -> restClient.get().uri("http://" + service + "/outcome").retrieve()
                .body(String.class))
                .isInstanceOf(CallNotPermittedException.class).hasMessageContaining(service);
        assertThat(provider.hits.get()).isEqualTo(hits);
    }

    private void opensFailsFastAndRecovers(String service, Function<String, String> call) {
        Outcomes provider = provider(service);
        awaitInstance(service);
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(call.apply(service)).isEqualTo("ok"));
        provider.failing.set(true);

        int failures = awaitOpen(service, call);
        assertThat(failures).as("server errors before the circuit opened").isGreaterThanOrEqualTo(2);
        int hitsWhenOpened = provider.hits.get();
        for (int i = 0; i < 10; i++) {
            assertThatThrownBy(() -> call.apply(service)).isInstanceOf(CallNotPermittedException.class)
                    .hasMessage("CircuitBreaker '" + service + "' is OPEN and does not permit further calls");
        }
        assertThat(provider.hits.get()).as("calls that reached the provider while open").isEqualTo(hitsWhenOpened);

        // Half open after the open time: trial calls reach the still failing provider and open the circuit again.
        await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(100)).untilAsserted(() -> {
            try {
                call.apply(service);
            }
            catch (RuntimeException ex) {
                logger.debug("Trial call of {}: {}", service, ex.toString());
            }
            assertThat(provider.hits.get()).isGreaterThan(hitsWhenOpened);
            assertThat(breaker(service).getState()).isEqualTo(CircuitBreaker.State.OPEN);
        });
        assertThat(provider.hits.get() - hitsWhenOpened).as("trial calls")
                .isLessThanOrEqualTo(2);

        provider.failing.set(false);
        await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(100)).untilAsserted(() -> {
            try {
                call.apply(service);
            }
            catch (CallNotPermittedException ex) {
                // still open
            }
            assertThat(breaker(service).getState()).isEqualTo(CircuitBreaker.State.CLOSED);
        });
        for (int i = 0; i < 5; i++) {
            assertThat(call.apply(service)).isEqualTo("ok");
        }
    }

    /** Calls until the breaker refuses a call; returns the failed calls that reached the provider before. */
    private static int awaitOpen(String service, Function<String, String> call) {
        AtomicInteger failures = new AtomicInteger();
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            try {
                call.apply(service);
            }
            catch (CallNotPermittedException ex) {
                // open
            }
            catch (RuntimeException ex) {
                failures.incrementAndGet();
            }
            assertThat(breaker(service).getState()).isEqualTo(CircuitBreaker.State.OPEN);
        });
        return failures.get();
    }

    private static CircuitBreaker breaker(String service) {
        return consumer.getBean(Resilience4JCircuitBreakerFactory.class).getCircuitBreakerRegistry().find(service)
                .orElseThrow();
    }

    private static void awaitInstance(String service) {
        DiscoveryClient discovery = consumer.getBean(DiscoveryClient.class);
        await().atMost(Duration.ofSeconds(30))
                .untilAsserted(() -> assertThat(discovery.getInstances(service)).hasSize(1));
    }

    private static Outcomes provider(String service) {
        ConfigurableApplicationContext context = MeshApps.providerApp(registry.connectString(), service)
                .with(Outcomes.class).run();
        applications.add(context);
        return context.getBean(Outcomes.class);
    }

    /**
     * {@code GET /outcome}: "ok", or 500 while failing (500 is not retried, so one call is one hit; the shared
     * provider's {@code /who} answers 503, which is).
     */
    @RestController
    static class Outcomes {

        final AtomicBoolean failing = new AtomicBoolean();

        final AtomicInteger hits = new AtomicInteger();

        @GetMapping("/outcome")
        ResponseEntity<String> outcome() {
            this.hits.incrementAndGet();
            return this.failing.get() ? ResponseEntity.status(HttpStatus.INTERNAL_SERVER_ERROR).body("failing")
                    : ResponseEntity.ok("ok");
        }
    }

    /** What a {@code @FeignClient(name = "...")} interface declares; built here once per called service. */
    interface WhoClient {

        @GetMapping("/outcome")
        String outcome();
    }

    /** The Feign client of each called service. */
    static class FeignCallers {

        private final FeignClientBuilder builder;

        private final Map<String, WhoClient> clients = new ConcurrentHashMap<>();

        FeignCallers(ApplicationContext context) {
            this.builder = new FeignClientBuilder(context);
        }

        String who(String service) {
            return this.clients.computeIfAbsent(service, (name) -> this.builder.forType(WhoClient.class, name).build())
                    .outcome();
        }
    }

    /**
     * What the shared consumer ({@code @LoadBalanced RestClient.Builder}) and {@link WebClientConsumer} lack: the
     * {@code RestClient} and the Feign clients.
     */
    @Configuration(proxyBeanMethods = false)
    @EnableFeignClients(clients = {})
    static class Consumer {

        @Bean
        RestClient loadBalancedRestClient(@LoadBalanced RestClient.Builder builder) {
            return builder.build();
        }

        @Bean
        FeignCallers feignCallers(ApplicationContext context) {
            return new FeignCallers(context);
        }
    }
}
