package dev.meshkeeper.loadbalancer;

import dev.meshkeeper.testapps.WebClientConsumer;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.reactive.function.client.WebClient;
import reactor.core.publisher.Mono;

/**
 * The client contract for a {@code @LoadBalanced WebClient.Builder} in a reactive (WebFlux) consumer: retries are
 * Spring Cloud LoadBalancer's reactive ones, and the pinned version travels in the Reactor context of the relayed
 * request.
 */
class WebClientContractTests extends LoadBalancedClientContractTests {

    @Override
    String client() {
        return "webclient";
    }

    @Override
    Class<?> consumerApplication() {
        return Consumer.class;
    }

    @Override
    WebApplicationType consumerWebApplicationType() {
        return WebApplicationType.REACTIVE;
    }

    @SpringBootConfiguration
    @EnableAutoConfiguration
    @Import({ WebClientConsumer.class, ReactiveRelay.class })
    static class Consumer {

        @Bean
        Caller caller(WebClient loadBalancedWebClient) {
            return (service) -> who(loadBalancedWebClient, service).block();
        }

        static Mono<String> who(WebClient client, String service) {
            return client.get().uri("http://" + service + "/who").retrieve().bodyToMono(String.class);
        }
    }

    /** {@code GET /relay?service=...} of the reactive consumer: the call stays in the request's pipeline. */
    @RestController
    static class ReactiveRelay {

        private final WebClient client;

        ReactiveRelay(WebClient loadBalancedWebClient) {
            this.client = loadBalancedWebClient;
        }

        @GetMapping("/relay")
        Mono<String> relay(@RequestParam String service) {
            return Consumer.who(this.client, service);
        }
    }
}
