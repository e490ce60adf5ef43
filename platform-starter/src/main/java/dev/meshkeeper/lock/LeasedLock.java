package dev.meshkeeper.lock;

import dev.meshkeeper.lock.LockNotAcquiredException.Reason;
import dev.meshkeeper.zookeeper.ZooKeeperUnavailableException;
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
        return acquisition(wait).asOptional();
    }

    /** Tries as {@link #tryAcquire} does and says why no lease was granted. */
    final Acquisition acquisition(Duration wait) {
        long deadline = System.nanoTime() + wait.toNanos();
        LockMeters.Acquisition timing = this.context.meters().startAcquire(this.meterName, this.name);
        LeaseRegistry leases = this.context.leases();
        if (!leases.isConnected()) {
            timing.stop("unavailable");
            return Acquisition.notGranted(Reason.ZOOKEEPER_UNAVAILABLE);
        }
        long epoch = leases.epoch();
        String outcome = "timeout";
        Reason reason = Reason.TIMEOUT;
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
                    reason = Reason.ZOOKEEPER_UNAVAILABLE;
                }
            }
            else {
                reason = notGrantedInTime(leases, epoch);
            }
        }
        catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            reason = Reason.INTERRUPTED;
        }
        catch (MaxHoldsReachedException ex) {
            reason = Reason.MAX_HOLDS_REACHED;
        }
        catch (Exception ex) {
            outcome = "error";
            reason = (ex instanceof ZooKeeperUnavailableException) ? Reason.ZOOKEEPER_UNAVAILABLE : Reason.ERROR;
            logger.warn("Could not acquire lock '{}' at {}: {}", this.name, this.path, ex.toString());
        }
        timing.stop(outcome);
        return (lease != null) ? Acquisition.granted(lease) : Acquisition.notGranted(reason);
    }

    /** An attempt ended without a hold: its wait ran out, or a connection interruption or an interrupt ended it. */
    private static Reason notGrantedInTime(LeaseRegistry leases, long epoch) {
        if (Thread.currentThread().isInterrupted()) {
            return Reason.INTERRUPTED;
        }
        if (leases.epoch() != epoch || !leases.isConnected()) {
            return Reason.ZOOKEEPER_UNAVAILABLE;
        }
        return Reason.TIMEOUT;
    }
}
