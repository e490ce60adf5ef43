package dev.meshkeeper.registry.api;

import jakarta.servlet.http.HttpSession;
import jakarta.servlet.http.HttpSessionBindingEvent;
import jakarta.servlet.http.HttpSessionBindingListener;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
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
import java.util.function.BiConsumer;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.recipes.watch.PersistentWatcher;
import org.apache.zookeeper.WatchedEvent;
import org.apache.zookeeper.Watcher.Event.EventType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.http.HttpStatus;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

/**
 * Tells subscribers which part of the registry changed. One recursive persistent ZooKeeper watch per topic root
 * (Curator's {@link PersistentWatcher}; no data is cached here, so the cost does not grow with the number of
 * instances); changes are gathered for the coalescing period and then sent as one server-sent event per changed
 * topic, named after the topic ({@code services}, {@code config}, {@code locks}, {@code leaders}, {@code placement}, {@code audit},
 * {@code data})
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

    private static final Logger logger = LoggerFactory.getLogger(RegistryEvents.class);

    private final Map<String, List<String>> rootsByTopic;

    private final List<PersistentWatcher> watchers = new ArrayList<>();

    private final List<Stream> subscribers = new CopyOnWriteArrayList<>();

    private final List<BiConsumer<String, WatchedEvent>> watchListeners = new CopyOnWriteArrayList<>();

    private final Set<String> pending = new LinkedHashSet<>();

    private final ScheduledExecutorService scheduler;

    private final Duration coalesce;

    private final int maxSubscribers;

    private final int maxStreamsPerUser;

    private final Duration idleTimeout;

    private final Clock clock;

    private final AtomicReference<State> state = new AtomicReference<>(State.LATENT);

    private enum State {
        LATENT, STARTED, CLOSED
    }

    /**
     * @param rootsByTopic the ZooKeeper roots watched for each topic
     * @param coalesce how long changes are gathered before events go out
     * @param heartbeat how often idle streams get a comment line
     * @param maxSubscribers streams allowed at once
     * @param maxStreamsPerUser streams one user may hold open at once
     * @param idleTimeout how long a stream may carry no change event before it is closed
     */
    RegistryEvents(CuratorFramework curator, Map<String, List<String>> rootsByTopic, Duration coalesce,
            Duration heartbeat, int maxSubscribers, int maxStreamsPerUser, Duration idleTimeout, Clock clock) {
        this.rootsByTopic = new LinkedHashMap<>(rootsByTopic);
        this.coalesce = coalesce;
        this.maxSubscribers = maxSubscribers;
        this.maxStreamsPerUser = maxStreamsPerUser;
        this.idleTimeout = idleTimeout;
        this.clock = clock;
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
     * A new event stream for {@code user}. It starts with an {@code open} event listing the topics, so a client knows
     * it is live; it is completed after {@code idle-timeout} without a change event (a browser reconnects, and is
     * authenticated again), and when {@code session} (the console's login session, if any) ends, e.g. at logout.
     * @throws AdminApiException 503 when {@code meshkeeper.registry.events.max-subscribers} streams are open, 429
     * when the user holds {@code meshkeeper.registry.events.max-streams-per-user} already
     */
    synchronized SseEmitter subscribe(String user, HttpSession session) {
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
        long own = this.subscribers.stream().filter(stream -> stream.user().equals(user)).count();
        if (own >= this.maxStreamsPerUser) {
            throw new AdminApiException(HttpStatus.TOO_MANY_REQUESTS, "Too many event streams",
                    "user '" + user + "' holds " + own + " event streams already, the most one user may "
                            + "(meshkeeper.registry.events.max-streams-per-user); close one first",
                    null);
        }
        SseEmitter emitter = new SseEmitter(0L);
        Stream stream = new Stream(emitter, user, new AtomicReference<>(this.clock.instant()));
        String attribute = RegistryEvents.class.getName() + ".stream." + System.identityHashCode(emitter);
        Runnable forget = () -> {
            this.subscribers.remove(stream);
            if (session != null) {
                try {
                    session.removeAttribute(attribute);
                }
                catch (IllegalStateException ex) {
                    // the session is invalidated already
                }
            }
        };
        emitter.onCompletion(forget);
        emitter.onTimeout(forget);
        emitter.onError(error -> forget.run());
        this.subscribers.add(stream);
        if (session != null) {
            // Bound to the session: invalidating it (logout, expiry) unbinds the attribute, which ends the stream.
            session.setAttribute(attribute, new HttpSessionBindingListener() {

                @Override
                public void valueUnbound(HttpSessionBindingEvent event) {
                    end(stream);
                }
            });
        }
        send(stream, SseEmitter.event().name("open").data(Map.of("topics", topics())));
        return emitter;
    }

    /** Open event streams. */
    int subscriberCount() {
        return this.subscribers.size();
    }

    /**
     * Also hands every change the watches see ({@code topic}, ZooKeeper's event with its path and type) to
     * {@code listener}, on Curator's event thread: the listener must return at once. Nothing is replayed after a
     * lost connection.
     */
    void onWatchedChange(BiConsumer<String, WatchedEvent> listener) {
        this.watchListeners.add(listener);
    }

    private void changed(String topic, WatchedEvent event) {
        if (event.getType() != EventType.None) {
            announce(Set.of(topic));
            this.watchListeners.forEach(listener -> listener.accept(topic, event));
        }
    }

    private void changedEverything() {
        announce(this.rootsByTopic.keySet());
    }

    /** Announces {@code topics} (after the coalescing period), e.g. a change a feature noticed on its own. */
    void announce(Set<String> topics) {
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
            this.subscribers.forEach(stream -> {
                stream.lastEvent().set(this.clock.instant());
                send(stream, SseEmitter.event().name(topic).data(Map.of("topic", topic)));
            });
        }
    }

    private void heartbeat() {
        try {
            Instant idleSince = this.clock.instant().minus(this.idleTimeout);
            this.subscribers.forEach(stream -> {
                if (stream.lastEvent().get().isBefore(idleSince)) {
                    end(stream);
                }
                else {
                    send(stream, SseEmitter.event().comment("heartbeat"));
                }
            });
        }
        catch (RuntimeException ex) {
            // an exception would end the scheduled heartbeats for good
            logger.warn("Event stream heartbeat failed: {}", ex.toString(), ex);
        }
    }

    private void end(Stream stream) {
        this.subscribers.remove(stream);
        try {
            stream.emitter().complete();
        }
        catch (IllegalStateException ex) {
            // completed already
        }
    }

    private void send(Stream stream, SseEmitter.SseEventBuilder event) {
        try {
            stream.emitter().send(event);
        }
        catch (IOException | IllegalStateException ex) {
            // the client went away: forget it; the container completes the response
            this.subscribers.remove(stream);
        }
    }

    @Override
    public void close() {
        if (this.state.getAndSet(State.CLOSED) == State.CLOSED) {
            return;
        }
        this.scheduler.shutdownNow();
        this.watchers.forEach(PersistentWatcher::close);
        this.subscribers.forEach(stream -> stream.emitter().complete());
        this.subscribers.clear();
    }

    /** An open stream: its emitter, the user it was opened for and when it last carried a change event. */
    private record Stream(SseEmitter emitter, String user, AtomicReference<Instant> lastEvent) {
    }
}
