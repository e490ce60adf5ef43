package dev.meshkeeper.samples.gateway;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * A reactive edge: Spring Cloud Gateway on WebFlux, with no servlet API on its class path, routing
 * {@code lb://inventory-service} and {@code lb://order-service} through Meshkeeper's watched discovery and balancer.
 */
@SpringBootApplication
public class EdgeGatewayApplication {

    public static void main(String[] args) {
        SpringApplication.run(EdgeGatewayApplication.class, args);
    }
}
