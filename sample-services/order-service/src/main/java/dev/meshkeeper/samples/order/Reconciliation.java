package dev.meshkeeper.samples.order;

import dev.meshkeeper.leader.LeaderOnly;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * A periodic job that must run on one order-service instance only: {@code @LeaderOnly} lets it run on the leader of
 * the group {@value #GROUP} and skips it on every other instance. Every run logs one INFO line and counts.
 */
@Component
public class Reconciliation {

    static final String GROUP = "order-reconciliation";

    private static final Logger logger = LoggerFactory.getLogger(Reconciliation.class);

    private final AtomicLong runs = new AtomicLong();

    @Scheduled(fixedDelayString = "${orders.reconciliation-interval:2s}")
    @LeaderOnly(GROUP)
    public void reconcile() {
        long run = this.runs.incrementAndGet();
        logger.info("Reconciliation run {} on the leader of '{}'", run, GROUP);
    }

    /** How many times the job ran on this instance. */
    long runs() {
        return this.runs.get();
    }
}
