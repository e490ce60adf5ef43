package dev.meshkeeper.samples.order;

/**
 * What {@code inventory-service} answers to {@code GET /inventory/{sku}}.
 *
 * @param sku the SKU
 * @param available units available
 * @param servedBy the instance id of the inventory instance that answered
 * @param zone that instance's zone, {@code null} when it has none
 * @param version the version that instance runs, {@code null} when it advertises none
 */
public record StockLevel(String sku, int available, String servedBy, String zone, String version) {
}
