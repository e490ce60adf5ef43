package dev.meshkeeper.testapps;

import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.cloud.client.loadbalancer.LoadBalanced;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.client.RestClient;

/** A consumer: calls providers by service id through a {@code @LoadBalanced RestClient.Builder}. */
@Configuration(proxyBeanMethods = false)
@EnableAutoConfiguration
class ConsumerApp {

    @Bean
    @LoadBalanced
    RestClient.Builder loadBalancedRestClientBuilder() {
        return RestClient.builder();
    }
}
