package dev.meshkeeper.samples.order;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.scheduling.annotation.EnableScheduling;

/**
 * The consumer of the samples: quotes orders, asking {@code inventory-service} for stock through a
 * {@code @LoadBalanced} {@code RestClient}. It never knows an inventory address: Spring Cloud LoadBalancer picks an
 * instance registered in ZooKeeper for every call. Its order rules ({@link OrdersProperties}) change live from
 * ZooKeeper, and its reconciliation job runs on the elected leader only.
 */
@SpringBootApplication
@EnableConfigurationProperties(OrdersProperties.class)
@EnableScheduling
public class OrderServiceApplication {

    public static void main(String[] args) {
        SpringApplication.run(OrderServiceApplication.class, args);
    }
}
