package dev.meshkeeper.samples.order;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * The consumer of the samples: quotes orders, asking {@code inventory-service} for stock through a
 * {@code @LoadBalanced} {@code RestClient}. It never knows an inventory address: Spring Cloud LoadBalancer picks an
 * instance registered in ZooKeeper for every call.
 */
@SpringBootApplication
public class OrderServiceApplication {

    public static void main(String[] args) {
        SpringApplication.run(OrderServiceApplication.class, args);
    }
}
