package dev.meshkeeper.registry.api;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.recipes.watch.PersistentWatcher;
import org.apache.zookeeper.WatchedEvent;
import org.apache.zookeeper.Watcher.Event.EventType;
import org.springframework.context.SmartLifecycle;
import org.springframework.http.HttpStatus;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

/**
 * Tells subscribers which part of the registry changed. One recursive persistent ZooKeeper watch per topic root
 * (Curator's {@link PersistentWatcher}; no data is cached here, so the cost does not grow with the number of
 * instances); changes are gathered for the coalescing period and then sent as one server-sent event per changed
 * topic, named after the topic ({@code services}, {@code config}, {@code locks}, {@code leaders}, {@code audit}, {@code data})
 * with the data {@code {"topic":"<name>"}}. Subscribers read the current state through the API: an event says
 * "look again", never what the new value is.
 * <p>
 * When the connection to ZooKeeper was lost, events may have been missed: once the watches are set again every
 * topic is announced, so a subscriber never keeps a stale view.
 * <p>
 * As a {@link SmartLifecycle} in the default (last) phase it stops before the web server's graceful shutdown and
 * completes every open stream, so an open console never holds up a shutdown.
 */
final class RegistryEvents implements SmartLifecycle, AutoCloseable {

    private final Map<String, List<String>> rootsByTopic;

    private final List<PersistentWatcher> watchers = new ArrayList<>();

    private final List<SseEmitter> subscribers = new CopyOnWriteArrayList<>();

    private final Set<String> pending = new LinkedHashSet<>();

    private final ScheduledExecutorService scheduler;

    private final Duration coalesce;

    private final int maxSubscribers;

    private final AtomicReference<State> state = new AtomicReference<>(State.LATENT);

    private enum State {
        LATENT, STARTED, CLOSED
    }

    /**
     * @param rootsByTopic the ZooKeeper roots watched for each topic
     * @param coalesce how long changes are gathered before events go out
     * @param heartbeat how often idle streams get a comment line
     * @param maxSubscribers streams allowed at once
     */
    RegistryEvents(CuratorFramework curator, Map<String, List<String>> rootsByTopic, Duration coalesce,
            Duration heartbeat, int maxSubscribers) {
        this.rootsByTopic = new LinkedHashMap<>(rootsByTopic);
        this.coalesce = coalesce;
        this.maxSubscribers = maxSubscribers;
        this.scheduler = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "meshkeeper-registry-events");
            thread.setDaemon(true);
            return thread;
        });
        this.rootsByTopic.forEach((topic, roots) -> roots.forEach(root -> {
            PersistentWatcher watcher = new PersistentWatcher(curator, root, true);
            watcher.getListenable().addListener(event -> changed(topic, event));
            watcher.getResetListenable().addListener(this::changedEverything);
            this.watchers.add(watcher);
        }));
        this.scheduler.scheduleWithFixedDelay(this::heartbeat, heartbeat.toMillis(), heartbeat.toMillis(),
                TimeUnit.MILLISECONDS);
    }

    @Override
    public void start() {
        if (this.state.compareAndSet(State.LATENT, State.STARTED)) {
            this.watchers.forEach(PersistentWatcher::start);
        }
    }

    @Override
    public void stop() {
        close();
    }

    @Override
    public boolean isRunning() {
        return this.state.get() == State.STARTED;
    }

    /** The topics events are sent for, in a stable order. */
    Set<String> topics() {
        return this.rootsByTopic.keySet();
    }

    /**
     * A new event stream. It starts with an {@code open} event listing the topics, so a client knows it is live.
     * @throws AdminApiException (503) when {@code meshkeeper.registry.events.max-subscribers} streams are open
     */
    SseEmitter subscribe() {
        if (this.state.get() != State.STARTED) {
            throw new AdminApiException(HttpStatus.SERVICE_UNAVAILABLE, "Events unavailable",
                    "the registry's event stream is not running; try again shortly", null);
        }
        if (this.subscribers.size() >= this.maxSubscribers) {
            throw new AdminApiException(HttpStatus.SERVICE_UNAVAILABLE, "Too many event streams",
                    this.subscribers.size() + " event streams are open, the most this server allows "
                            + "(meshkeeper.registry.events.max-subscribers); close one or raise the limit",
                    null);
        }
        SseEmitter emitter = new SseEmitter(0L);
        emitter.onCompletion(() -> this.subscribers.remove(emitter));
        emitter.onTimeout(() -> this.subscribers.remove(emitter));
        emitter.onError(error -> this.subscribers.remove(emitter));
        this.subscribers.add(emitter);
        send(emitter, SseEmitter.event().name("open").data(Map.of("topics", topics())));
        return emitter;
    }

    /** Open event streams. */
    int subscriberCount() {
        return this.subscribers.size();
    }

    private void changed(String topic, WatchedEvent event) {
        if (event.getType() != EventType.None) {
            announce(Set.of(topic));
        }
    }

    private void changedEverything() {
        announce(this.rootsByTopic.keySet());
    }

    private void announce(Set<String> topics) {
        boolean schedule;
        synchronized (this.pending) {
            schedule = this.pending.isEmpty();
            this.pending.addAll(topics);
        }
        if (schedule && this.state.get() == State.STARTED) {
            this.scheduler.schedule(this::flush, this.coalesce.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    private void flush() {
        List<String> topics;
        synchronized (this.pending) {
            topics = List.copyOf(this.pending);
            this.pending.clear();
        }
        for (String topic : topics) {
            this.subscribers.forEach(emitter -> send(emitter, SseEmitter.event().name(topic)
                    .data(Map.of("topic", topic))));
        }
    }

    private void heartbeat() {
        this.subscribers.forEach(emitter -> send(emitter, SseEmitter.event().comment("heartbeat")));
    }

    private void send(SseEmitter emitter, SseEmitter.SseEventBuilder event) {
        try {
            emitter.send(event);
        }
        catch (IOException | IllegalStateException ex) {
            // the client went away: forget it; the container completes the response
            this.subscribers.remove(emitter);
        }
    }

    @Override
    public void close() {
        if (this.state.getAndSet(State.CLOSED) == State.CLOSED) {
            return;
        }
        this.scheduler.shutdownNow();
        this.watchers.forEach(PersistentWatcher::close);
        this.subscribers.forEach(SseEmitter::complete);
        this.subscribers.clear();
    }
}
