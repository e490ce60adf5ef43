package dev.meshkeeper.samples.order;

import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/** {@code GET /orders/settings}: the order rules this instance applies now (the live {@code orders.*} values). */
@RestController
@RequestMapping("/orders")
class SettingsController {

    private final OrdersProperties properties;

    SettingsController(OrdersProperties properties) {
        this.properties = properties;
    }

    @GetMapping("/settings")
    Settings settings() {
        return new Settings(this.properties.getMaxQuantity(), this.properties.isExpressShipping());
    }

    /**
     * The live order rules.
     *
     * @param maxQuantity {@code orders.max-quantity}
     * @param expressShipping {@code orders.express-shipping}
     */
    record Settings(int maxQuantity, boolean expressShipping) {
    }
}
