package dev.meshkeeper.samples.order;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.annotation.Validated;

/**
 * The order rules, under {@code orders.*}. Live: a value written under {@code /config/order-service/} in ZooKeeper
 * (e.g. {@code /config/order-service/orders/max-quantity}) is validated and applied while the service runs; an
 * invalid one is rejected with a WARN and the last good value stays.
 */
@ConfigurationProperties("orders")
@Validated
public class OrdersProperties {

    /** The largest quantity one quote may ask for, 1 to 1000. */
    @Min(1)
    @Max(1000)
    private int maxQuantity = 20;

    /** Whether quotes offer express shipping. */
    private boolean expressShipping;

    public int getMaxQuantity() {
        return this.maxQuantity;
    }

    public void setMaxQuantity(int maxQuantity) {
        this.maxQuantity = maxQuantity;
    }

    public boolean isExpressShipping() {
        return this.expressShipping;
    }

    public void setExpressShipping(boolean expressShipping) {
        this.expressShipping = expressShipping;
    }
}
