package dev.meshkeeper.loadbalancer;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.cloud.openfeign.EnableFeignClients;
import org.springframework.cloud.openfeign.FeignClientBuilder;
import org.springframework.context.ApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.web.bind.annotation.GetMapping;

/**
 * The client contract for OpenFeign clients addressed by service name (Spring Cloud OpenFeign's blocking
 * load-balancer client, with Spring Retry for retries).
 */
class OpenFeignContractTests extends LoadBalancedClientContractTests {

    @Override
    String client() {
        return "openfeign";
    }

    @Override
    Class<?> consumerApplication() {
        return Consumer.class;
    }

    /** What a {@code @FeignClient(name = "...")} interface declares; built here once per called service. */
    interface WhoClient {

        @GetMapping("/who")
        String who();
    }

    @SpringBootConfiguration
    @EnableAutoConfiguration
    @EnableFeignClients(clients = {})
    @Import(ServletRelay.class)
    static class Consumer {

        @Bean
        Caller caller(ApplicationContext context) {
            FeignClientBuilder builder = new FeignClientBuilder(context);
            Map<String, WhoClient> clients = new ConcurrentHashMap<>();
            return (service) -> clients
                    .computeIfAbsent(service, (name) -> builder.forType(WhoClient.class, name).build())
                    .who();
        }
    }
}
