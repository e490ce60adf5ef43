package dev.meshkeeper.samples.inventory;

import dev.meshkeeper.data.CasResult;
import dev.meshkeeper.data.SharedData;
import dev.meshkeeper.data.SharedMap;
import dev.meshkeeper.data.Versioned;
import dev.meshkeeper.zookeeper.ZooKeeperUnavailableException;
import java.util.function.IntUnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.stereotype.Component;
import org.springframework.web.ErrorResponseException;

/**
 * The stock of every SKU, shared by all inventory instances: the shared map {@value #MAP}
 * ({@code /meshkeeper/data/inventory-stock/{sku}}, entry {@code {"available":n,"fencingToken":t}}), where
 * {@code fencingToken} is the token of the lease under which the stock was last written.
 * <p>
 * Reads answer from this instance's replica of the map: no ZooKeeper round trip, and they keep answering with the
 * last known stock while ZooKeeper is away. A SKU never written starts at {@code inventory.initial-stock}, answered
 * from memory without writing anything.
 * <p>
 * The stock is a fenced resource: {@link #write} stores a new level only with a fencing token higher than the
 * stored one, and only if the entry has not changed since it was read (its version, compared-and-set in ZooKeeper),
 * so a holder whose lease was lost while it was paused cannot overwrite a newer reservation. While ZooKeeper is away
 * the write fails at once ({@link dev.meshkeeper.zookeeper.ZooKeeperUnavailableException}).
 */
@Component
class SharedStock {

    /** The name of the shared map holding every SKU's stock. */
    static final String MAP = "inventory-stock";

    private static final Logger logger = LoggerFactory.getLogger(SharedStock.class);

    private final SharedData data;

    private final InventoryProperties properties;

    private volatile SharedMap<Entry> stock;

    SharedStock(SharedData data, InventoryProperties properties) {
        this.data = data;
        this.properties = properties;
        try {
            this.stock = data.map(MAP, Entry.class);
        }
        catch (ZooKeeperUnavailableException ex) {
            // Started while ZooKeeper is away: the map is opened on first use once it is back.
            logger.warn("The shared stock is not loaded yet ({}); stock queries answer 503 until ZooKeeper is "
                    + "reached", ex.getMessage());
        }
    }

    /** The SKU's stock in this instance's replica; the initial stock for a SKU never written. */
    Level read(String sku) {
        return level(stock().getVersioned(sku));
    }

    /** The replica of the map, opened on first use when it could not be opened at start-up. */
    private SharedMap<Entry> stock() {
        SharedMap<Entry> map = this.stock;
        if (map == null) {
            synchronized (this) {
                if (this.stock == null) {
                    this.stock = this.data.map(MAP, Entry.class);
                }
                map = this.stock;
            }
        }
        return map;
    }

    /**
     * Stores a new level of the SKU's stock, written under the lease with the given fencing token. Refused (409)
     * when a higher or equal token is stored, or when the entry changed since {@code previous} was read and the
     * change came from a newer lease. A replica that had not yet seen the latest write is not a conflict: the
     * compare-and-set answers with ZooKeeper's current entry, and the level is computed again from it.
     * @param adjust computes the new number of units from the current ones (it may throw to refuse)
     * @return the level as written
     */
    Level write(String sku, Level previous, IntUnaryOperator adjust, long fencingToken) {
        Level current = previous;
        for (int attempt = 0; attempt < 3; attempt++) {
            if (fencingToken <= current.fencingToken()) {
                throw staleWrite(sku, "fencing token " + fencingToken + " is not higher than the stored "
                        + current.fencingToken() + "; a newer lease has written this stock");
            }
            Entry entry = new Entry(adjust.applyAsInt(current.available()), fencingToken);
            CasResult<Entry> result = stock().compareAndSet(sku, current.version(), entry);
            if (result.applied()) {
                return level(result.current());
            }
            current = level(result.current());
        }
        throw staleWrite(sku, "the stock kept changing while it was written (entry version " + current.version()
                + "); the lease may have been lost");
    }

    private Level level(Versioned<Entry> versioned) {
        Entry entry = versioned.value();
        return (entry != null) ? new Level(entry.available(), entry.fencingToken(), versioned.version())
                : new Level(this.properties.getInitialStock(), 0, Versioned.ABSENT);
    }

    private static ErrorResponseException staleWrite(String sku, String reason) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.CONFLICT,
                "The stock of SKU '" + sku + "' was not written: " + reason + ". Retry the reservation.");
        problem.setTitle("Stale write refused");
        return new ErrorResponseException(HttpStatus.CONFLICT, problem, null);
    }

    /**
     * One SKU's entry in the shared map, exactly its JSON in ZooKeeper.
     *
     * @param available units available
     * @param fencingToken the token of the lease that wrote it last
     */
    record Entry(int available, long fencingToken) {
    }

    /**
     * A SKU's stock as read.
     *
     * @param available units available
     * @param fencingToken the token of the lease that wrote it last (0: never written)
     * @param version the entry's version when read ({@link Versioned#ABSENT}: never written)
     */
    record Level(int available, long fencingToken, int version) {
    }
}
