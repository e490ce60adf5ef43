package dev.meshkeeper.registry;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * The Meshkeeper registry server: a real ZooKeeper server in this process (client port 2181), with health and
 * Prometheus metrics over HTTP (port 8181).
 */
@SpringBootApplication
public class RegistryServerApplication {

    public static void main(String[] args) {
        SpringApplication.run(RegistryServerApplication.class, args);
    }
}
