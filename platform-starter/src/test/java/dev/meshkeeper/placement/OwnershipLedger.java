package dev.meshkeeper.placement;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The shared resource of the placement tests: one record per item that accepts a write only with a fencing token at
 * least as high as the highest it has seen (the fenced write).
 * <p>
 * Double ownership is a new owner starting an item while another member still works on it with the same or a
 * higher token: then the fence could not tell the two apart. A previous owner that has not yet noticed the loss of
 * its session (ZooKeeper expired it while the client was unaware, like a paused process) overlaps with a higher
 * token only; that is counted apart as a late owner, and its writes are refused by the fence.
 */
final class OwnershipLedger {

    private static final Logger logger = LoggerFactory.getLogger(OwnershipLedger.class);

    private final Map<String, Owner> active = new HashMap<>();

    private final Map<String, Long> highestToken = new HashMap<>();

    final AtomicLong doubleOwnership = new AtomicLong();

    final AtomicLong lateOwners = new AtomicLong();

    final AtomicLong fencedWrites = new AtomicLong();

    final AtomicLong acceptedWrites = new AtomicLong();

    synchronized void started(String member, String item, long token) {
        Owner other = this.active.put(item, new Owner(member, token));
        if (other != null && !other.member().equals(member)) {
            if (other.token() >= token) {
                this.doubleOwnership.incrementAndGet();
                logger.warn("Double ownership of item {}: {} started it with token {} while {} works on it with "
                        + "token {}", item, member, token, other.member(), other.token());
            }
            else {
                this.lateOwners.incrementAndGet();
            }
        }
        write(member, item, token);
    }

    synchronized void stopped(String member, String item) {
        Owner current = this.active.get(item);
        if (current != null && current.member().equals(member)) {
            this.active.remove(item);
        }
    }

    /** The fenced write: refused when a newer owner has written already. */
    synchronized boolean write(String member, String item, long token) {
        long highest = this.highestToken.getOrDefault(item, Long.MIN_VALUE);
        if (token < highest) {
            this.fencedWrites.incrementAndGet();
            return false;
        }
        this.highestToken.put(item, token);
        this.acceptedWrites.incrementAndGet();
        return true;
    }

    synchronized Map<String, String> owners() {
        Map<String, String> owners = new HashMap<>();
        this.active.forEach((item, owner) -> owners.put(item, owner.member()));
        return owners;
    }

    record Owner(String member, long token) {
    }
}
