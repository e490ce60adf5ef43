package dev.meshkeeper.samples.inventory;

import jakarta.validation.constraints.Pattern;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code GET /inventory/{sku}}: how many units of a SKU are available, and which instance answered. Every SKU
 * starts with {@code inventory.initial-stock} units. A SKU that is not 1 to 64 letters, digits, dots, dashes or
 * underscores is refused with a 400 problem detail naming it.
 */
@RestController
@RequestMapping("/inventory")
class InventoryController {

    static final String SKU_PATTERN = "[A-Za-z0-9._-]{1,64}";

    private final InventoryProperties properties;

    private final RegisteredInstance instance;

    InventoryController(InventoryProperties properties, RegisteredInstance instance) {
        this.properties = properties;
        this.instance = instance;
    }

    @GetMapping("/{sku}")
    StockLevel stock(@PathVariable @Pattern(regexp = SKU_PATTERN,
            message = "must be 1 to 64 letters, digits, '.', '-' or '_'") String sku) {
        return new StockLevel(sku, this.properties.getInitialStock(), this.instance.id(), this.instance.zone());
    }
}
