package dev.meshkeeper.samples.order;

import jakarta.validation.constraints.Min;
import java.math.BigDecimal;
import java.net.URI;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.web.ErrorResponseException;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code GET /orders/quote?sku=…&quantity=n}: asks inventory for the SKU's stock (through the load balancer) and
 * quotes the order line. A missing SKU, a quantity below 1 or above the live {@code orders.max-quantity} is a 400
 * problem detail; a failed inventory call is a problem detail too (see {@link InventoryClient}).
 */
@RestController
@RequestMapping("/orders")
class QuoteController {

    private final InventoryClient inventory;

    private final OrdersProperties properties;

    QuoteController(InventoryClient inventory, OrdersProperties properties) {
        this.inventory = inventory;
        this.properties = properties;
    }

    @GetMapping("/quote")
    Quote quote(@RequestParam String sku, @RequestParam(defaultValue = "1") @Min(1) int quantity) {
        int maxQuantity = this.properties.getMaxQuantity();
        if (quantity > maxQuantity) {
            ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.BAD_REQUEST, "quantity " + quantity
                    + " is over the limit: orders.max-quantity is " + maxQuantity + "; ask for " + maxQuantity
                    + " or fewer");
            problem.setTitle("Quantity over the limit");
            problem.setType(URI.create("https://meshkeeper.dev/problems/max-quantity"));
            problem.setProperty("maxQuantity", maxQuantity);
            problem.setProperty("quantity", quantity);
            throw new ErrorResponseException(HttpStatus.BAD_REQUEST, problem, null);
        }
        StockLevel stock = this.inventory.stockOf(sku);
        BigDecimal unitPrice = unitPrice(sku);
        return new Quote(stock.sku(), quantity, stock.available(), stock.available() >= quantity, unitPrice,
                unitPrice.multiply(BigDecimal.valueOf(quantity)), stock.servedBy(), stock.zone(),
                stock.version(), this.properties.isExpressShipping());
    }

    /** The sample's price list: a fixed price per SKU between 1.00 and 99.99. */
    static BigDecimal unitPrice(String sku) {
        return BigDecimal.valueOf(100 + Math.floorMod(sku.hashCode(), 9900), 2);
    }
}
