package dev.meshkeeper.registry.server;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.zookeeper.server.PurgeTxnLog;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Deletes old snapshots and transaction logs on a daemon thread of its own, keeping the newest
 * {@code snapshot-retain-count} (at least 3); it stops with the server, where ZooKeeper's own purger would
 * outlive it. A failed purge is logged and retried at the next interval.
 */
final class SnapshotPurger implements AutoCloseable {

    // Logged under the server's name, where operators look for the server's messages.
    private static final Logger logger = LoggerFactory.getLogger(RegistryServer.class);

    private final ScheduledExecutorService executor;

    private SnapshotPurger(ScheduledExecutorService executor) {
        this.executor = executor;
    }

    /** Starts purging every {@code purge-interval}; {@code null} when the interval is zero (purging off). */
    static SnapshotPurger start(RegistryServerSettings settings, int clientPort) {
        Duration interval = settings.purgeInterval();
        if (interval.isZero() || interval.isNegative()) {
            return null;
        }
        ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "meshkeeper-registry-purge-" + clientPort);
            thread.setDaemon(true);
            return thread;
        });
        int retain = Math.max(3, settings.snapshotRetainCount());
        executor.scheduleWithFixedDelay(() -> {
            try {
                PurgeTxnLog.purge(settings.dataDir().toFile(), settings.dataDir().toFile(), retain);
            }
            catch (IOException | RuntimeException ex) {
                logger.warn("Purging old snapshots in {} failed: {}", settings.dataDir(), ex.toString());
            }
        }, interval.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
        return new SnapshotPurger(executor);
    }

    @Override
    public void close() {
        this.executor.shutdownNow();
    }
}
