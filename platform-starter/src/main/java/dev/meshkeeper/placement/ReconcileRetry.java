package dev.meshkeeper.placement;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * When a member's reaction to its group fails (the leader's assignment write or a claim is refused or times out, or
 * ZooKeeper is away), the member tries again on a timer: after {@value #FIRST_MILLIS} ms, doubling up to
 * {@value #MAX_MILLIS} ms, back to the start after the first reaction that succeeds. A failed write thus never waits
 * for the next change in the group, which may not come. While the connection is down the timer stops and the
 * reconnection brings the next reaction. Used on the member's thread only.
 */
final class ReconcileRetry {

    static final long FIRST_MILLIS = 100;

    static final long MAX_MILLIS = 5_000;

    private static final Logger logger = LoggerFactory.getLogger(ReconcileRetry.class);

    private final String group;

    private final MemberThread thread;

    private final Runnable reconcile;

    private volatile int failures;

    private long delay = FIRST_MILLIS;

    private boolean scheduled;

    private boolean warned;

    ReconcileRetry(String group, MemberThread thread, Runnable reconcile) {
        this.group = group;
        this.thread = thread;
        this.reconcile = reconcile;
    }

    /** The reaction failed: try again after the current delay (unless a try is pending already), then double it. */
    void failed(Exception ex) {
        this.failures++;
        if (!this.scheduled) {
            this.scheduled = true;
            this.thread.schedule(() -> {
                this.scheduled = false;
                this.reconcile.run();
            }, this.delay);
        }
        if (this.delay >= MAX_MILLIS && !this.warned) {
            this.warned = true;
            logger.warn("Work group '{}': failed {} times in a row ({}); trying again every {} ms", this.group,
                    this.failures, ex.toString(), MAX_MILLIS);
        }
        else {
            logger.debug("Work group '{}': {}; trying again in {} ms", this.group, ex.toString(), this.delay);
        }
        this.delay = Math.min(this.delay * 2, MAX_MILLIS);
    }

    /**
     * The reaction succeeded; if it left items waiting for claims that other members still hold (each watched), react
     * again after {@link ItemClaims#RECHECK_MILLIS} unless a try is pending, so that no item is left waiting when
     * the deletion of its claim was not heard of.
     */
    void succeeded(boolean settled) {
        succeeded();
        if (!settled && !this.scheduled) {
            this.scheduled = true;
            this.thread.schedule(() -> {
                this.scheduled = false;
                this.reconcile.run();
            }, ItemClaims.RECHECK_MILLIS);
        }
    }

    /** The reaction succeeded: the next failure is tried again after {@value #FIRST_MILLIS} ms. */
    void succeeded() {
        if (this.failures > 0) {
            if (this.warned) {
                logger.info("Work group '{}': succeeded again after {} failures", this.group, this.failures);
            }
            this.failures = 0;
            this.delay = FIRST_MILLIS;
            this.warned = false;
        }
    }

    /** Failed reactions since the last one that succeeded. */
    int failures() {
        return this.failures;
    }
}
