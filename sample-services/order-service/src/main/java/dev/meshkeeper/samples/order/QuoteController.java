package dev.meshkeeper.samples.order;

import jakarta.validation.constraints.Min;
import java.math.BigDecimal;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code GET /orders/quote?sku=…&quantity=n}: asks inventory for the SKU's stock (through the load balancer) and
 * quotes the order line. A missing SKU or a quantity below 1 is a 400 problem detail; a failed inventory call is a
 * problem detail too (see {@link InventoryClient}).
 */
@RestController
@RequestMapping("/orders")
class QuoteController {

    private final InventoryClient inventory;

    QuoteController(InventoryClient inventory) {
        this.inventory = inventory;
    }

    @GetMapping("/quote")
    Quote quote(@RequestParam String sku, @RequestParam(defaultValue = "1") @Min(1) int quantity) {
        StockLevel stock = this.inventory.stockOf(sku);
        BigDecimal unitPrice = unitPrice(sku);
        return new Quote(stock.sku(), quantity, stock.available(), stock.available() >= quantity, unitPrice,
                unitPrice.multiply(BigDecimal.valueOf(quantity)), stock.servedBy(), stock.zone());
    }

    /** The sample's price list: a fixed price per SKU between 1.00 and 99.99. */
    static BigDecimal unitPrice(String sku) {
        return BigDecimal.valueOf(100 + Math.floorMod(sku.hashCode(), 9900), 2);
    }
}
