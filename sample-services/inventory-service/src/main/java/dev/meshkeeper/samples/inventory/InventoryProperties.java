package dev.meshkeeper.samples.inventory;

import jakarta.validation.constraints.Min;
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

    public int getInitialStock() {
        return this.initialStock;
    }

    public void setInitialStock(int initialStock) {
        this.initialStock = initialStock;
    }
}
