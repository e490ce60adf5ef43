package dev.meshkeeper.loadbalancer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.cloud.client.loadbalancer.LoadBalanced;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.web.client.HttpServerErrorException;
import org.springframework.web.client.RestTemplate;

/** The client contract for a {@code @LoadBalanced RestTemplate}, and its circuit breaking per called service. */
class RestTemplateContractTests extends LoadBalancedClientContractTests {

    @Override
    String client() {
        return "resttemplate";
    }

    @Override
    Class<?> consumerApplication() {
        return Consumer.class;
    }

    @Test
    void circuitOpensForAServiceWhoseEveryInstanceFails() {
        String service = client() + "-all-down";
        provider(service, "--testapp.failing=true");
        awaitInstances(service, 1);

        AtomicInteger serverErrors = new AtomicInteger();
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            try {
                call(service);
            }
            catch (HttpServerErrorException ex) {
                serverErrors.incrementAndGet();
            }
            catch (CallNotPermittedException ex) {
                // already open
            }
            assertThatThrownBy(() -> call(service)).isInstanceOf(CallNotPermittedException.class)
                    .hasMessageContaining(service);
        });
        assertThat(serverErrors.get()).isGreaterThanOrEqualTo(5);
    }

    @SpringBootConfiguration
    @EnableAutoConfiguration
    @Import(ServletRelay.class)
    static class Consumer {

        @Bean
        @LoadBalanced
        RestTemplate loadBalancedRestTemplate() {
            return new RestTemplate();
        }

        @Bean
        Caller caller(RestTemplate restTemplate) {
            return (service) -> restTemplate.getForObject("http://" + service + "/who", String.class);
        }
    }
}
