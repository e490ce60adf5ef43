package dev.meshkeeper.samples.inventory;

/**
 * The answer to a stock query.
 *
 * @param sku the SKU asked for
 * @param available units available
 * @param servedBy the instance id of the inventory instance that answered
 * @param zone the zone of that instance, {@code null} when it has none
 * @param version the version that instance runs (its {@code version} metadata), {@code null} when it has none
 */
public record StockLevel(String sku, int available, String servedBy, String zone, String version) {
}
