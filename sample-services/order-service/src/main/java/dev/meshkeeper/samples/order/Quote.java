package dev.meshkeeper.samples.order;

import java.math.BigDecimal;

/**
 * A price quote for an order line, with the stock it was based on and who answered for that stock.
 *
 * @param sku the SKU
 * @param quantity units asked for
 * @param available units the inventory reported available
 * @param inStock whether {@code available} covers {@code quantity}
 * @param unitPrice price of one unit
 * @param total {@code unitPrice × quantity}
 * @param servedBy instance id of the inventory instance that answered
 * @param zone that instance's zone, {@code null} when it has none
 * @param version the version that instance runs, {@code null} when it advertises none
 * @param expressShipping whether express shipping is offered (the live {@code orders.express-shipping} flag)
 */
public record Quote(String sku, int quantity, int available, boolean inStock, BigDecimal unitPrice, BigDecimal total,
        String servedBy, String zone, String version, boolean expressShipping) {
}
