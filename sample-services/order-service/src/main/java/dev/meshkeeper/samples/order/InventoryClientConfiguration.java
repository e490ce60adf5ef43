package dev.meshkeeper.samples.order;

import java.net.http.HttpClient;
import java.time.Duration;
import org.springframework.cloud.client.loadbalancer.LoadBalanced;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.client.JdkClientHttpRequestFactory;
import org.springframework.web.client.RestClient;

/**
 * The load-balanced {@link RestClient} to {@code inventory-service}: Spring Cloud LoadBalancer resolves the host
 * {@code inventory-service} to one of its registered instances on every request. Connect and read timeouts are
 * bounded so that a dead or stalled instance turns into an error answer, never a hung request.
 */
@Configuration(proxyBeanMethods = false)
class InventoryClientConfiguration {

    static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(2);

    static final Duration READ_TIMEOUT = Duration.ofSeconds(5);

    @Bean
    @LoadBalanced
    RestClient.Builder loadBalancedRestClientBuilder() {
        HttpClient httpClient = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(CONNECT_TIMEOUT).build();
        JdkClientHttpRequestFactory requestFactory = new JdkClientHttpRequestFactory(httpClient);
        requestFactory.setReadTimeout(READ_TIMEOUT);
        return RestClient.builder().requestFactory(requestFactory);
    }

    @Bean
    InventoryClient inventoryClient(@LoadBalanced RestClient.Builder builder) {
        return new InventoryClient(builder.clone().baseUrl(InventoryClient.BASE_URL).build());
    }
}
