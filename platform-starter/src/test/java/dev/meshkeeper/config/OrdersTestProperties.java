package dev.meshkeeper.config;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import java.util.concurrent.atomic.AtomicInteger;
import org.springframework.beans.factory.InitializingBean;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.annotation.Validated;

/** The shape of a validated sample properties class: a bounded integer and a feature flag. */
@Validated
@ConfigurationProperties("orders")
public class OrdersTestProperties implements InitializingBean {

    /** Largest quantity one order may ask for. */
    @Min(1)
    @Max(1000)
    private int maxQuantity = 10;

    /** Whether express shipping is offered. */
    private boolean expressShipping;

    private final AtomicInteger binds = new AtomicInteger();

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

    @Override
    public void afterPropertiesSet() {
        this.binds.incrementAndGet();
    }

    int binds() {
        return this.binds.get();
    }
}
