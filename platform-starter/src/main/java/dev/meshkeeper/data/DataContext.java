package dev.meshkeeper.data;

import dev.meshkeeper.zookeeper.ZooKeeperRequests;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.curator.framework.api.CuratorEventType;
import org.apache.curator.framework.api.CuratorListener;
import org.apache.zookeeper.WatchedEvent;
import org.apache.zookeeper.Watcher;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.ApplicationEventPublisher;
import tools.jackson.databind.ObjectMapper;

/** What every replica of one {@link SharedData} shares: the connection, Jackson, the event thread, the meters. */
final class DataContext implements AutoCloseable {

    private static final Logger logger = LoggerFactory.getLogger(DataContext.class);

    final ZooKeeperRequests requests;

    final ObjectMapper mapper;

    final DataPaths paths;

    final DataProperties properties;

    final Clock clock;

    private final ApplicationEventPublisher publisher;

    /** One thread for every listener and event, so that each name's changes are heard in order. */
    private final ExecutorService events = Executors.newSingleThreadExecutor(runnable -> {
        Thread thread = new Thread(runnable, "meshkeeper-data-events");
        thread.setDaemon(true);
        return thread;
    });

    /** Connection drops seen on ZooKeeper's event thread, in order with the answers to requests. */
    private final AtomicLong disconnects = new AtomicLong();

    private final CuratorListener disconnectCounter = (client, event) -> {
        WatchedEvent watched = event.getWatchedEvent();
        if (event.getType() == CuratorEventType.WATCHED && watched != null
                && watched.getType() == Watcher.Event.EventType.None
                && watched.getState() != Watcher.Event.KeeperState.SyncConnected
                && watched.getState() != Watcher.Event.KeeperState.ConnectedReadOnly) {
            this.disconnects.incrementAndGet();
        }
    };

    final Counter updates;

    final Counter conflicts;

    final Counter undecodable;

    DataContext(ZooKeeperRequests requests, ObjectMapper mapper, DataProperties properties,
            ApplicationEventPublisher publisher, MeterRegistry meters, Clock clock) {
        this.requests = requests;
        this.mapper = mapper;
        this.paths = new DataPaths(properties.getRoot());
        this.properties = properties;
        this.publisher = publisher;
        this.clock = clock;
        this.updates = Counter.builder("meshkeeper.data.updates")
                .description("Changes applied to the local replicas of shared data").register(meters);
        this.conflicts = Counter.builder("meshkeeper.data.conflicts")
                .description("Compare-and-set writes of shared data that found another version").register(meters);
        this.undecodable = Counter.builder("meshkeeper.data.undecodable")
                .description("Shared data payloads that did not decode; the last good value was kept")
                .register(meters);
        requests.curator().getCuratorListenable().addListener(this.disconnectCounter);
    }

    /**
     * How many times the connection dropped so far. Curator retries a request whose connection dropped, so a write
     * answered "bad version", "node exists" or "no node" after a drop may be answering its own earlier attempt.
     */
    long disconnects() {
        return this.disconnects.get();
    }

    /** Runs {@code listeners}, then publishes {@code event}, on the data event thread, after what came before. */
    void deliver(Runnable listeners, SharedDataChangedEvent event) {
        try {
            this.events.execute(() -> {
                try {
                    listeners.run();
                }
                catch (RuntimeException ex) {
                    logger.warn("A listener of shared data '{}' failed: {}", event.getName(), ex.toString(), ex);
                }
                if (this.publisher != null) {
                    try {
                        this.publisher.publishEvent(event);
                    }
                    catch (RuntimeException ex) {
                        logger.warn("A SharedDataChangedEvent listener for '{}' failed: {}", event.getName(),
                                ex.toString(), ex);
                    }
                }
            });
        }
        catch (RejectedExecutionException ex) {
            logger.debug("Change of shared data '{}' not delivered: closing", event.getName());
        }
    }

    /** Calls one listener; one that throws is logged and does not keep the others from hearing the change. */
    static void safely(String name, Runnable listener) {
        try {
            listener.run();
        }
        catch (RuntimeException ex) {
            logger.warn("A listener of shared data '{}' failed: {}", name, ex.toString(), ex);
        }
    }

    @Override
    public void close() {
        this.requests.curator().getCuratorListenable().removeListener(this.disconnectCounter);
        this.events.shutdown();
        try {
            this.events.awaitTermination(2, TimeUnit.SECONDS);
        }
        catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
        }
    }
}
