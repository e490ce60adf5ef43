package dev.meshkeeper.loadbalancer;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.cloud.client.loadbalancer.LoadBalanced;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.web.client.RestClient;

/** The client contract for a {@code @LoadBalanced RestClient.Builder}. */
class RestClientContractTests extends LoadBalancedClientContractTests {

    @Override
    String client() {
        return "restclient";
    }

    @Override
    Class<?> consumerApplication() {
        return Consumer.class;
    }

    @SpringBootConfiguration
    @EnableAutoConfiguration
    @Import(ServletRelay.class)
    static class Consumer {

        @Bean
        @LoadBalanced
        RestClient.Builder loadBalancedRestClientBuilder() {
            return RestClient.builder();
        }

        @Bean
        Caller caller(RestClient.Builder builder) {
            RestClient client = builder.build();
            return (service) -> client.get().uri("http://" + service + "/who").retrieve().body(String.class);
        }
    }
}
