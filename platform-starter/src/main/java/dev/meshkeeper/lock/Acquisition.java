package dev.meshkeeper.lock;

import dev.meshkeeper.lock.LockNotAcquiredException.Reason;
import java.time.Duration;
import java.util.Optional;

/** The outcome of one acquisition: the lease, or why there is none. */
record Acquisition(LockLease lease, Reason reason) {

    static Acquisition granted(LockLease lease) {
        return new Acquisition(lease, null);
    }

    static Acquisition notGranted(Reason reason) {
        return new Acquisition(null, reason);
    }

    /**
     * Tries {@code lock} as {@link ClusterLock#tryAcquire} does; the locks of this package say why a lease was not
     * granted, any other lock is taken to have waited in vain (or to have been interrupted, if the flag is set).
     */
    static Acquisition of(ClusterLock lock, Duration wait) {
        if (lock instanceof LeasedLock leased) {
            return leased.acquisition(wait);
        }
        Optional<LockLease> lease = lock.tryAcquire(wait);
        if (lease.isPresent()) {
            return granted(lease.get());
        }
        return notGranted(Thread.currentThread().isInterrupted() ? Reason.INTERRUPTED : Reason.TIMEOUT);
    }

    Optional<LockLease> asOptional() {
        return Optional.ofNullable(this.lease);
    }
}
