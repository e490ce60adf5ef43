package dev.meshkeeper.samples.inventory;

import dev.meshkeeper.traffic.RateLimited;
import jakarta.validation.constraints.Min;
import java.time.Duration;
import java.util.regex.Pattern;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.web.ErrorResponseException;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code GET /inventory/{sku}}: how many units of a SKU are available (the stock shared by all instances in
 * ZooKeeper), and which instance answered. {@code POST /inventory/{sku}/reserve?quantity=n} reserves units (409
 * when the stock is short). A SKU never seen starts with {@code inventory.initial-stock} units. A SKU that is not 1
 * to 64 letters, digits, dots, dashes or underscores is refused with a 400 problem detail naming it.
 * <p>
 * Stock queries are under the cluster-wide rate limit {@value #READS_LIMIT}, whose rate is the property
 * {@code inventory.rate-limit} (requests per second for the whole service, shared by the live instances; unset:
 * unlimited). A query over this instance's share gets a 429 problem detail with {@code Retry-After}.
 * <p>
 * {@code inventory.simulated-latency} (default 0) delays every stock query of this instance, to show where
 * utilisation-aware balancing sends the work of a slow instance.
 */
@RestController
@RequestMapping("/inventory")
class InventoryController {

    /** The name of the rate limit on stock queries, under {@code meshkeeper.traffic.rate-limits}. */
    static final String READS_LIMIT = "inventory-reads";

    private static final Pattern SKU = Pattern.compile("[A-Za-z0-9._-]{1,64}");

    private final SharedStock stock;

    private final Reservations reservations;

    private final RegisteredInstance instance;

    private final InventoryProperties properties;

    InventoryController(SharedStock stock, Reservations reservations, RegisteredInstance instance,
            InventoryProperties properties) {
        this.properties = properties;
        this.stock = stock;
        this.reservations = reservations;
        this.instance = instance;
    }

    @GetMapping("/{sku}")
    @RateLimited(READS_LIMIT)
    StockLevel stock(@PathVariable String sku) throws InterruptedException {
        requireValid(sku);
        // Read on every query: the value is re-bound live when it changes in ZooKeeper.
        Duration delay = this.properties.getSimulatedLatency();
        if (delay != null && !delay.isNegative() && !delay.isZero()) {
            Thread.sleep(delay.toMillis());
        }
        return new StockLevel(sku, this.stock.read(sku).available(), this.instance.id(), this.instance.zone(),
                this.instance.version());
    }

    @PostMapping("/{sku}/reserve")
    Reservations.Reservation reserve(@PathVariable String sku,
            @RequestParam(defaultValue = "1") @Min(1) int quantity) {
        requireValid(sku);
        return this.reservations.reserve(sku, quantity);
    }

    private static void requireValid(String sku) {
        if (!SKU.matcher(sku).matches()) {
            ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.BAD_REQUEST,
                    "SKU '" + sku + "' is invalid: use 1 to 64 letters, digits, '.', '-' or '_'");
            problem.setTitle("Invalid SKU");
            throw new ErrorResponseException(HttpStatus.BAD_REQUEST, problem, null);
        }
    }
}
