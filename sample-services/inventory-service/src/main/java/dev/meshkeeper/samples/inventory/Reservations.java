package dev.meshkeeper.samples.inventory;

import dev.meshkeeper.lock.DistributedLock;
import dev.meshkeeper.lock.LockLease;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.stereotype.Service;
import org.springframework.web.ErrorResponseException;

/**
 * Reserves stock: a read-modify-write of the SKU's shared stock under the cluster-wide lock
 * {@code inventory-stock-{sku}}, so reservations through any number of instances never oversell. The write carries
 * the lease's fencing token, which {@link SharedStock} checks. While ZooKeeper is away the lock cannot be had and
 * the write cannot be made: the reservation is refused at once (503, see {@link ZooKeeperUnavailableHandler}).
 */
@Service
class Reservations {

    private final SharedStock stock;

    Reservations(SharedStock stock) {
        this.stock = stock;
    }

    @DistributedLock(key = "'inventory-stock-' + #sku", waitFor = "10s")
    public Reservation reserve(String sku, int quantity) {
        LockLease lease = LockLease.current().orElseThrow();
        SharedStock.Level written = this.stock.write(sku, this.stock.read(sku), available -> {
            if (available < quantity) {
                throw insufficient(sku, quantity, available);
            }
            return available - quantity;
        }, lease.fencingToken());
        return new Reservation(sku, quantity, written.available(), lease.fencingToken());
    }

    private static ErrorResponseException insufficient(String sku, int quantity, int available) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.CONFLICT, "Cannot reserve "
                + quantity + " of SKU '" + sku + "': only " + available + " available");
        problem.setTitle("Insufficient stock");
        problem.setProperty("sku", sku);
        problem.setProperty("requested", quantity);
        problem.setProperty("available", available);
        return new ErrorResponseException(HttpStatus.CONFLICT, problem, null);
    }

    /**
     * A granted reservation.
     *
     * @param sku the SKU
     * @param reserved units reserved
     * @param remaining units left after this reservation
     * @param fencingToken the fencing token of the lease the stock was written under
     */
    public record Reservation(String sku, int reserved, int remaining, long fencingToken) {
    }
}
