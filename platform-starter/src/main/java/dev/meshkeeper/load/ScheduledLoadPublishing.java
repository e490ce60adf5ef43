package dev.meshkeeper.load;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;

/** Ticks the {@link LoadPublisher} once per publish interval on a daemon thread of its own, while running. */
final class ScheduledLoadPublishing implements SmartLifecycle {

    private static final Logger logger = LoggerFactory.getLogger(ScheduledLoadPublishing.class);

    private final LoadPublisher publisher;

    private final Duration interval;

    private volatile ScheduledExecutorService executor;

    ScheduledLoadPublishing(LoadPublisher publisher, Duration interval) {
        this.publisher = publisher;
        this.interval = interval;
    }

    @Override
    public synchronized void start() {
        if (this.executor != null) {
            return;
        }
        ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor((runnable) -> {
            Thread thread = new Thread(runnable, "meshkeeper-load");
            thread.setDaemon(true);
            return thread;
        });
        long millis = this.interval.toMillis();
        executor.scheduleWithFixedDelay(this::tick, millis, millis, TimeUnit.MILLISECONDS);
        this.executor = executor;
    }

    private void tick() {
        try {
            this.publisher.tick();
        }
        catch (RuntimeException ex) {
            logger.debug("Publishing the load failed; the next tick retries", ex);
        }
    }

    @Override
    public synchronized void stop() {
        ScheduledExecutorService executor = this.executor;
        this.executor = null;
        if (executor != null) {
            executor.shutdownNow();
        }
    }

    @Override
    public boolean isRunning() {
        return this.executor != null;
    }
}
