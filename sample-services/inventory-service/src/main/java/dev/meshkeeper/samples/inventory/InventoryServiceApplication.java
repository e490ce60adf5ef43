package dev.meshkeeper.samples.inventory;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;

/**
 * The provider of the samples: answers stock queries per SKU. Run several instances (each on its own
 * {@code --server.port}, in its own {@code --meshkeeper.discovery.zone}); each registers itself in ZooKeeper under
 * {@code /services/inventory-service/<instance id>} and reports that id in every answer.
 */
@SpringBootApplication
@EnableConfigurationProperties(InventoryProperties.class)
public class InventoryServiceApplication {

    public static void main(String[] args) {
        SpringApplication.run(InventoryServiceApplication.class, args);
    }
}
