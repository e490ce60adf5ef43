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
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.cloud.circuitbreaker.resilience4j.Resilience4JCircuitBreakerFactory;
import org.springframework.cloud.client.circuitbreaker.Customizer;
import org.springframework.cloud.client.discovery.DiscoveryClient;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.reactive.function.client.WebClient;

/**
 * A breaker customizer added with Spring Cloud CircuitBreaker's
 * {@link Resilience4JCircuitBreakerFactory#addCircuitBreakerCustomizer} holds for {@code @LoadBalanced WebClient}
 * calls from the first call on, in an application that makes no blocking call at all: the WebClient's breaker is the
 * factory's breaker, customized as the factory customizes it for a blocking call.
 */
@EmbeddedRegistry
@Timeout(120)
class WebClientCircuitBreakerCustomizerTests {

    private static final String FORCED_OPEN = "customized-forced-open";

    private static final String LISTENED = "customized-listened";

    private static final String PLAIN = "customized-plain";

    private static ConfigurableApplicationContext forcedOpen;

    private static ConfigurableApplicationContext listened;

    private static ConfigurableApplicationContext plain;

    private static ConfigurableApplicationContext consumer;

    @BeforeAll
    static void startApplications(RegistryHandle registry) {
        forcedOpen = MeshApps.provider(registry.connectString(), FORCED_OPEN);
        listened = MeshApps.provider(registry.connectString(), LISTENED);
        plain = MeshApps.provider(registry.connectString(), PLAIN);
        consumer = new SpringApplicationBuilder(WebClientOnlyConsumer.class, WebClientConsumer.class)
                .web(WebApplicationType.NONE).run("--spring.application.name=customized-consumer",
                        "--spring.main.banner-mode=off",
                        "--spring.cloud.zookeeper.connect-string=" + registry.connectString(),
                        "--spring.config.import=optional:zookeeper:",
                        "--spring.cloud.zookeeper.discovery.register=false");
        DiscoveryClient discovery = consumer.getBean(DiscoveryClient.class);
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(List.of(FORCED_OPEN, LISTENED, PLAIN))
                .allSatisfy((service) -> assertThat(discovery.getInstances(service)).hasSize(1)));
    }

    @AfterAll
    static void stopApplications() {
        for (ConfigurableApplicationContext context : new ConfigurableApplicationContext[] { consumer, forcedOpen,
                listened, plain }) {
            if (context != null) {
                context.close();
            }
        }
    }

    @Test
    void aCustomizerThatForcesTheBreakerOpenRefusesTheFirstWebClientCall() {
        assertThatThrownBy(() -> call(FORCED_OPEN)).isInstanceOf(CallNotPermittedException.class)
                .hasMessageContaining(FORCED_OPEN);
        assertThat(MeshApps.endpoints(forcedOpen).gets()).as("calls that reached the provider").isZero();
        assertThat(call(PLAIN)).as("a service without a customizer").isEqualTo(MeshApps.port(plain));
    }

    @Test
    void aCustomizerThatListensToTheBreakerHearsTheFirstWebClientCall() {
        assertThat(call(LISTENED)).isEqualTo(MeshApps.port(listened));
        assertThat(consumer.getBean(WebClientOnlyConsumer.class).successes).containsExactly(LISTENED);
    }

    private static String call(String service) {
        return consumer.getBean(WebClient.class).get().uri("http://" + service + "/who").retrieve()
                .bodyToMono(String.class).block(Duration.ofSeconds(10));
    }

    /**
     * Calls providers with a {@code @LoadBalanced WebClient} only ({@link WebClientConsumer}, not the shared
     * consumer, which brings a {@code RestClient}); customizes two services' breakers.
     */
    @Configuration(proxyBeanMethods = false)
    @EnableAutoConfiguration
    static class WebClientOnlyConsumer {

        final List<String> successes = new CopyOnWriteArrayList<>();

        @Bean
        Customizer<Resilience4JCircuitBreakerFactory> breakerCustomizers() {
            return (factory) -> {
                factory.addCircuitBreakerCustomizer(Customizer.once(CircuitBreaker::transitionToForcedOpenState,
                        CircuitBreaker::getName), FORCED_OPEN);
                factory.addCircuitBreakerCustomizer(Customizer.once((breaker) -> breaker.getEventPublisher()
                        .onSuccess((event) -> this.successes.add(event.getCircuitBreakerName())),
                        CircuitBreaker::getName), LISTENED);
            };
        }
    }
}
