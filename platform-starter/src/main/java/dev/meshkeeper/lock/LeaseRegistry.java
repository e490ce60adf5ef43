package dev.meshkeeper.lock;

import dev.meshkeeper.zookeeper.ZooKeeperConnectionMonitor;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.curator.framework.state.ConnectionState;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.ApplicationEventPublisher;

/**
 * The safety-critical part of the locks: which leases this process holds, the interruption epoch they were granted
 * in, and their loss. It follows the connection through {@link ZooKeeperConnectionMonitor#subscribe} (called after
 * the monitor took the change in, so {@link #isConnected()} already answers for the new state): at every SUSPENDED
 * or LOST the epoch grows, waits in progress end, and every held lease is voided and signalled once.
 * <p>
 * A lease is registered only if no interruption happened since its acquisition began ({@link #grant}); a hold
 * taken in an older epoch is never handed out.
 */
final class LeaseRegistry implements AutoCloseable {

    private static final Logger logger = LoggerFactory.getLogger(LeaseRegistry.class);

    private final ZooKeeperConnectionMonitor monitor;

    private final ApplicationEventPublisher publisher;

    private final LockMeters meters;

    private final boolean interruptOnLoss;

    private final Set<GrantedLease> held = ConcurrentHashMap.newKeySet();

    /** Connection interruptions (SUSPENDED or LOST) seen so far: a hold taken in an older epoch is void. */
    private final AtomicLong epoch = new AtomicLong();

    /** Completed at the next connection interruption, so that waits end at once. */
    private final AtomicReference<Interruption> interruption = new AtomicReference<>(
            new Interruption(0, new CompletableFuture<>()));

    private final AutoCloseable subscription;

    LeaseRegistry(ZooKeeperConnectionMonitor monitor, ApplicationEventPublisher publisher, LockMeters meters,
            boolean interruptOnLoss) {
        this.monitor = monitor;
        this.publisher = publisher;
        this.meters = meters;
        this.interruptOnLoss = interruptOnLoss;
        this.subscription = monitor.subscribe((client, newState) -> connectionChanged(newState));
    }

    /** Whether the connection is up now (the connection monitor's view); no lease is granted while it is not. */
    boolean isConnected() {
        return this.monitor.isConnected();
    }

    /** Connection interruptions seen so far. */
    long epoch() {
        return this.epoch.get();
    }

    /** Completes at the first connection interruption after {@code epoch} (at once if there was one already). */
    CompletableFuture<Void> interruptionAfter(long epoch) {
        Interruption current = this.interruption.get();
        return (current.epoch() == epoch) ? current.signal() : CompletableFuture.completedFuture(null);
    }

    /**
     * Registers a granted lease, unless the connection was interrupted since the acquisition began (then the
     * caller releases the hold and reports the lock as not acquired).
     */
    boolean grant(GrantedLease lease, long epochAtStart) {
        this.held.add(lease);
        if (this.epoch.get() != epochAtStart || !isConnected()) {
            this.held.remove(lease);
            return false;
        }
        LockMeters.Holding holding = this.meters.startHolding(lease);
        lease.onLost(event -> holding.lost());
        lease.onClose(() -> {
            this.held.remove(lease);
            holding.stop();
        });
        return true;
    }

    private void connectionChanged(ConnectionState newState) {
        if (newState != ConnectionState.SUSPENDED && newState != ConnectionState.LOST) {
            return;
        }
        long current = this.epoch.incrementAndGet();
        this.interruption.getAndSet(new Interruption(current, new CompletableFuture<>())).signal().complete(null);
        List<String> lost = new ArrayList<>();
        for (GrantedLease lease : this.held) {
            LockLostEvent event = lease.markLost(newState);
            if (event == null) {
                continue;
            }
            lost.add(lease.name());
            this.meters.lost(lease.meterName());
            this.publisher.publishEvent(event);
            if (this.interruptOnLoss) {
                // last, so that the interrupted holder finds its loss already announced
                lease.holder().interrupt();
            }
        }
        if (!lost.isEmpty()) {
            logger.warn("ZooKeeper connection {}: lock leases {} are no longer valid; their holders must stop "
                    + "(fencing tokens let protected resources refuse late writes)", newState, lost);
        }
    }

    /** The leases held now, oldest first, as the {@code locks} endpoint section shows them. */
    List<Map<String, Object>> describe() {
        List<Map<String, Object>> leases = new ArrayList<>();
        this.held.stream().sorted(Comparator.comparing(GrantedLease::acquiredAt)).forEach(lease -> {
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("name", lease.name());
            entry.put("token", lease.fencingToken());
            entry.put("since", lease.acquiredAt().toString());
            entry.put("valid", lease.isValid());
            entry.put("thread", lease.holder().getName());
            leases.add(entry);
        });
        return leases;
    }

    /** Stops following the connection and releases the leases still held. */
    @Override
    public void close() {
        try {
            this.subscription.close();
        }
        catch (Exception ex) {
            logger.debug("Could not unsubscribe from the connection monitor: {}", ex.toString());
        }
        for (GrantedLease lease : this.held) {
            lease.close();
        }
    }

    private record Interruption(long epoch, CompletableFuture<Void> signal) {
    }
}
