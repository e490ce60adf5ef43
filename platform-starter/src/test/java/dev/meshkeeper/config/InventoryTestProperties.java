package dev.meshkeeper.config;

import java.util.concurrent.atomic.AtomicInteger;
import org.springframework.beans.factory.InitializingBean;
import org.springframework.boot.context.properties.ConfigurationProperties;

/** An unrelated properties bean: it must not be re-bound when only {@code orders.*} changes. */
@ConfigurationProperties("inventory")
public class InventoryTestProperties implements InitializingBean {

    /** Warehouse to ship from. */
    private String warehouse = "main";

    private final AtomicInteger binds = new AtomicInteger();

    public String getWarehouse() {
        return this.warehouse;
    }

    public void setWarehouse(String warehouse) {
        this.warehouse = warehouse;
    }

    @Override
    public void afterPropertiesSet() {
        this.binds.incrementAndGet();
    }

    int binds() {
        return this.binds.get();
    }
}
