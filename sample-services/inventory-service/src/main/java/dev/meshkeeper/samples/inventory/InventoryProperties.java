package dev.meshkeeper.samples.inventory;

import jakarta.validation.constraints.AssertTrue;
import jakarta.validation.constraints.Min;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.annotation.Validated;

/**
 * The inventory's own settings, under {@code inventory.*}.
 */
@ConfigurationProperties("inventory")
@Validated
public class InventoryProperties {

    /** Units in stock for every SKU. */
    @Min(0)
    private int initialStock = 100;

    /**
     * Delay added to every {@code GET /inventory/{sku}}, to make this instance slow on purpose (e.g. 150ms); 0 for
     * none. Settable per instance on the command line and live through ZooKeeper config.
     */
    private Duration simulatedLatency = Duration.ZERO;

    public int getInitialStock() {
        return this.initialStock;
    }

    public void setInitialStock(int initialStock) {
        this.initialStock = initialStock;
    }

    public Duration getSimulatedLatency() {
        return this.simulatedLatency;
    }

    public void setSimulatedLatency(Duration simulatedLatency) {
        this.simulatedLatency = simulatedLatency;
    }

    /** A negative or missing inventory.simulated-latency is refused: set 0 for no delay. */
    @AssertTrue(message = "inventory.simulated-latency must be 0 or more, e.g. 150ms")
    public boolean isSimulatedLatencyValid() {
        return this.simulatedLatency != null && !this.simulatedLatency.isNegative();
    }
}
