package dev.meshkeeper.topology;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;

/**
 * Ticks the {@link TopologyPublisher} once per interval on a daemon thread of its own while running; on stop the
 * node is deleted (it would go with the session anyway).
 */
final class ScheduledTopologyPublishing implements SmartLifecycle {

    private static final Logger logger = LoggerFactory.getLogger(ScheduledTopologyPublishing.class);

    private final TopologyPublisher publisher;

    private final Duration interval;

    private ScheduledExecutorService executor;

    ScheduledTopologyPublishing(TopologyPublisher publisher, Duration interval) {
        this.publisher = publisher;
        this.interval = interval;
    }

    @Override
    public synchronized void start() {
        if (this.executor != null) {
            return;
        }
        this.executor = Executors.newSingleThreadScheduledExecutor((runnable) -> {
            Thread thread = new Thread(runnable, "meshkeeper-topology");
            thread.setDaemon(true);
            return thread;
        });
        long millis = this.interval.toMillis();
        this.executor.scheduleWithFixedDelay(this::tick, millis, millis, TimeUnit.MILLISECONDS);
    }

    private void tick() {
        try {
            this.publisher.tick();
        }
        catch (RuntimeException ex) {
            logger.debug("Reporting the topology failed; the next tick retries", ex);
        }
    }

    @Override
    public synchronized void stop() {
        if (this.executor == null) {
            return;
        }
        this.executor.shutdownNow();
        this.executor = null;
        this.publisher.withdraw();
    }

    @Override
    public synchronized boolean isRunning() {
        return this.executor != null;
    }

    @Override
    public int getPhase() {
        // stops before graceful deregistration and the ZooKeeper connection
        return SmartLifecycle.DEFAULT_PHASE - 1;
    }
}
