package dev.meshkeeper.testapps;

import org.springframework.cloud.client.loadbalancer.LoadBalanced;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.reactive.function.client.WebClient;

/**
 * A consumer's {@code @LoadBalanced WebClient.Builder} and the {@link WebClient} built from it, for the tests of
 * reactive calls: add it to an application with {@link MeshApps.MeshApp#with}.
 */
@Configuration(proxyBeanMethods = false)
public class WebClientConsumer {

    @Bean
    @LoadBalanced
    WebClient.Builder loadBalancedWebClientBuilder() {
        return WebClient.builder();
    }

    @Bean
    WebClient loadBalancedWebClient(@LoadBalanced WebClient.Builder builder) {
        return builder.build();
    }
}
