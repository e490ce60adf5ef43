package dev.meshkeeper.placement;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.ApplicationEventPublisher;

/**
 * What one work group does in the application when its items come and go: Spring events, the registered
 * {@link ItemWorker}s, meters and a short history of changes. Runs on the group's thread.
 */
final class GroupWork implements WorkListener {

    private static final Logger logger = LoggerFactory.getLogger(GroupWork.class);

    private static final int HISTORY = 20;

    private final Object source;

    private final String group;

    private final ApplicationEventPublisher publisher;

    private final List<ItemWorker> workers = new CopyOnWriteArrayList<>();

    private final Map<String, List<AutoCloseable>> running = new ConcurrentHashMap<>();

    private final AtomicInteger owned = new AtomicInteger();

    private final Counter moves;

    private final Timer rebalance;

    private final Deque<Map<String, Object>> history = new ArrayDeque<>();

    GroupWork(Object source, String group, ApplicationEventPublisher publisher, MeterRegistry meters) {
        this.source = source;
        this.group = group;
        this.publisher = publisher;
        Gauge.builder("meshkeeper.placement.items.owned", this.owned, AtomicInteger::get)
                .description("Items of the work group this instance owns now").tag("group", group).register(meters);
        this.moves = Counter.builder("meshkeeper.placement.moves")
                .description("Items moved to another member by assignments this instance published as leader")
                .tag("group", group).register(meters);
        this.rebalance = Timer.builder("meshkeeper.placement.rebalance")
                .description("From seeing a new assignment until this instance started every item it gives it")
                .tag("group", group).register(meters);
    }

    void add(ItemWorker worker) {
        this.workers.add(worker);
    }

    /** A worker added while the item is owned already. */
    void startLate(ItemWorker worker, String item, long token) {
        start(worker, item, token);
    }

    @Override
    public void assigned(String item, long token) {
        this.owned.incrementAndGet();
        logger.debug("Work group '{}': started item {} (token {})", this.group, item, token);
        this.workers.forEach(worker -> start(worker, item, token));
        this.publisher.publishEvent(new WorkAssignedEvent(this.source, this.group, item, token));
    }

    private void start(ItemWorker worker, String item, long token) {
        try {
            this.running.computeIfAbsent(item, key -> new CopyOnWriteArrayList<>()).add(worker.start(item, token));
        }
        catch (Exception ex) {
            logger.warn("Work group '{}': the worker for item {} failed to start: {}", this.group, item,
                    ex.toString());
        }
    }

    @Override
    public void revoked(String item, long token, String reason) {
        this.owned.decrementAndGet();
        logger.debug("Work group '{}': stopped item {} ({})", this.group, item, reason);
        List<AutoCloseable> handles = this.running.remove(item);
        if (handles != null) {
            for (AutoCloseable handle : handles) {
                try {
                    handle.close();
                }
                catch (Exception ex) {
                    logger.warn("Work group '{}': stopping the worker of item {} failed: {}", this.group, item,
                            ex.toString());
                }
            }
        }
        this.publisher.publishEvent(new WorkRevokedEvent(this.source, this.group, item, token, reason));
    }

    @Override
    public void settled(long generation, long nanos) {
        this.rebalance.record(nanos, TimeUnit.NANOSECONDS);
    }

    @Override
    public void published(long generation, int moved) {
        this.moves.increment(moved);
        synchronized (this.history) {
            this.history.addFirst(Map.of("generation", generation, "moved", moved, "at", Instant.now().toString()));
            while (this.history.size() > HISTORY) {
                this.history.removeLast();
            }
        }
    }

    /** The newest assignments this instance published as leader, newest first. */
    List<Map<String, Object>> recentChanges() {
        synchronized (this.history) {
            return List.copyOf(this.history);
        }
    }
}
