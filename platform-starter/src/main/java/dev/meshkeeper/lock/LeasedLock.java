package dev.meshkeeper.lock;

import java.time.Duration;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The acquire skeleton every lock of this package shares: the connection check, timing and meters, the holder
 * data, the lease with its fencing token and clock time, and its registration for loss signalling. A lock supplies
 * only {@link #attempt} (get a ZooKeeper hold and its token before the deadline) and, if it needs to, what happens
 * once a lease is granted ({@link #granted}).
 */
abstract class LeasedLock implements ClusterLock {

    /** How long one round of a blocking acquire waits before it checks the connection and interruption again. */
    private static final Duration BLOCKING_ROUND = Duration.ofSeconds(10);

    private static final Logger logger = LoggerFactory.getLogger(LeasedLock.class);

    final LockContext context;

    final String name;

    final String path;

    final String meterName;

    LeasedLock(LockContext context, String name, String path, String meterName) {
        this.context = context;
        this.name = name;
        this.path = path;
        this.meterName = meterName;
    }

    /** A ZooKeeper hold obtained by {@link #attempt}: its fencing token and how to give it back. */
    interface Hold {

        long token();

        /** Gives the hold back (the lease was closed, or it could not be granted). */
        void release();
    }

    /**
     * Gets a hold before {@code deadline} (nanoTime), or {@code null} when not granted in time or when the
     * connection was interrupted after {@code epoch}. Cleans up after itself when it returns {@code null} or
     * throws.
     */
    abstract Hold attempt(long deadline, long epoch, byte[] holderData) throws Exception;

    /** Called once a lease over {@code hold} is granted and registered. */
    void granted(GrantedLease lease, Hold hold) {
    }

    @Override
    public String name() {
        return this.name;
    }

    @Override
    @Deprecated
    public LockLease acquire() throws InterruptedException {
        while (true) {
            if (Thread.interrupted()) {
                throw new InterruptedException("interrupted while waiting for lock '" + this.name + "'");
            }
            if (!this.context.leases().isConnected()) {
                this.context.curator().blockUntilConnected(1, java.util.concurrent.TimeUnit.SECONDS);
                continue;
            }
            Optional<LockLease> lease = tryAcquire(BLOCKING_ROUND);
            if (lease.isPresent()) {
                return lease.get();
            }
        }
    }

    @Override
    public final Optional<LockLease> tryAcquire(Duration wait) {
        long deadline = System.nanoTime() + wait.toNanos();
        LockMeters.Acquisition timing = this.context.meters().startAcquire(this.meterName, this.name);
        LeaseRegistry leases = this.context.leases();
        if (!leases.isConnected()) {
            timing.stop("unavailable");
            return Optional.empty();
        }
        long epoch = leases.epoch();
        String outcome = "timeout";
        GrantedLease lease = null;
        try {
            Hold hold = attempt(deadline, epoch, this.context.holderData());
            if (hold != null) {
                GrantedLease granted = new GrantedLease(this.context.eventSource(), this.name, this.meterName,
                        hold.token(), this.context.clock().instant(), Thread.currentThread(), hold::release);
                if (leases.grant(granted, epoch)) {
                    granted(granted, hold);
                    lease = granted;
                    outcome = "acquired";
                }
                else {
                    hold.release();
                    outcome = "unavailable";
                }
            }
        }
        catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
        }
        catch (Exception ex) {
            outcome = "error";
            logger.warn("Could not acquire lock '{}' at {}: {}", this.name, this.path, ex.toString());
        }
        timing.stop(outcome);
        return Optional.ofNullable(lease);
    }
}
