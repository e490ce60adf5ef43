package dev.meshkeeper.registry.api;

import io.swagger.v3.oas.annotations.media.Schema;
import java.time.Clock;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Consumer;
import org.apache.zookeeper.WatchedEvent;
import org.apache.zookeeper.Watcher.Event.EventType;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What happened in the mesh, most recent first: registrations appearing and vanishing, status changes, config keys
 * written or removed, leadership moves and placement generations. Fed by the changes the registry's event watches
 * ({@link RegistryEvents}) already see; a change that needs its new state (a status, the leaders, the generations)
 * is read through the registry's stores on one background thread, once per burst of changes to a registration (or
 * to the leader latches, or to the work groups), so no request thread and no Curator event thread waits. Only the
 * last {@value #MAX_ENTRIES} entries are kept, in memory: they are lost when the registry restarts, and changes
 * made while the registry's ZooKeeper connection was lost are not recorded. Config entries name keys, never values.
 */
final class EventTimeline implements AutoCloseable {

    static final int MAX_ENTRIES = 500;

    private static final Logger logger = LoggerFactory.getLogger(EventTimeline.class);

    private final Deque<Entry> entries = new ArrayDeque<>();

    private final ServiceStore services;

    private final CoordinationStore coordination;

    private final PlacementStore placement;

    private final String servicesRoot;

    private final String configRoot;

    private final Consumer<String> announce;

    private final Clock clock;

    private final ExecutorService executor;

    /** Statuses, leaders and generations last seen; touched on the executor thread only. */
    private final Map<String, String> statuses = new HashMap<>();

    private final Map<String, String> leaders = new HashMap<>();

    private final Map<String, Long> generations = new HashMap<>();

    private final Set<String> pending = ConcurrentHashMap.newKeySet();

    /**
     * @param configRoot the root of config values, or {@code null} when the config API is off
     * @param announce told {@code "timeline"} after entries were added (the event stream), or {@code null}
     */
    EventTimeline(ServiceStore services, CoordinationStore coordination, PlacementStore placement,
            String servicesRoot, String configRoot, Consumer<String> announce, Clock clock) {
        this.services = services;
        this.coordination = coordination;
        this.placement = placement;
        this.servicesRoot = servicesRoot;
        this.configRoot = configRoot;
        this.announce = announce;
        this.clock = clock;
        this.executor = Executors.newSingleThreadExecutor(runnable -> {
            Thread thread = new Thread(runnable, "meshkeeper-registry-timeline");
            thread.setDaemon(true);
            return thread;
        });
    }

    /** Learns the current statuses, leaders and generations (recording nothing), so later changes can be told. */
    void start() {
        submit(() -> {
            for (ServiceStore.ServiceSummary service : this.services.services()) {
                this.services.service(service.name()).forEach(
                        instance -> this.statuses.put(service.name() + "/" + instance.id(), instance.status()));
            }
            leadership(false);
            placement(false);
        });
    }

    /** The newest {@code limit} entries, most recent first. */
    List<Entry> entries(int limit) {
        synchronized (this.entries) {
            return this.entries.stream().limit(limit).toList();
        }
    }

    /** A change one of the registry's watches saw; returns at once (called on Curator's event thread). */
    void changed(String topic, WatchedEvent event) {
        String path = event.getPath();
        if (path == null) {
            return;
        }
        switch (topic) {
            case "services" -> serviceChanged(path, event.getType());
            case "config" -> configChanged(path, event.getType());
            case "leaders" -> coalesced("leaders", () -> leadership(true));
            case "placement" -> coalesced("placement", () -> placement(true));
            default -> {
            }
        }
    }

    private void serviceChanged(String path, EventType type) {
        String[] parts = relative(this.servicesRoot, path);
        if (parts == null || parts.length != 2) {
            return;
        }
        String service = parts[0];
        String id = parts[1];
        String subject = service + "/" + id;
        if (type == EventType.NodeDeleted) {
            submit(() -> {
                String last = this.statuses.remove(subject);
                add("deregistration", service, subject, "deregistered" + ((last != null) ? " (was " + last + ")" : ""));
            });
        }
        else if (type == EventType.NodeCreated) {
            submit(() -> {
                ServiceStore.Instance instance = instance(service, id);
                String status = (instance != null) ? instance.status() : null;
                if (status != null) {
                    this.statuses.put(subject, status);
                }
                add("registration", service, subject, "registered" + ((instance != null && instance.uri() != null)
                        ? " at " + instance.uri() : "") + ((status != null) ? ", " + status : ""));
            });
        }
        else {
            // an application republishing its load changes its registration often: one read per burst
            coalesced("services:" + subject, () -> {
                ServiceStore.Instance instance = instance(service, id);
                String before = (instance != null) ? this.statuses.put(subject, instance.status()) : null;
                if (before != null && !before.equals(instance.status())) {
                    add("status", service, subject, before + " -> " + instance.status());
                }
            });
        }
    }

    private ServiceStore.Instance instance(String service, String id) throws Exception {
        try {
            return this.services.instance(service, id);
        }
        catch (AdminApiException ex) {
            // gone again already, or not a name the API shows
            return null;
        }
    }

    private void configChanged(String path, EventType type) {
        String[] parts = (this.configRoot != null) ? relative(this.configRoot, path) : null;
        if (parts == null || parts.length < 2) {
            return;
        }
        String key = String.join(".", List.of(parts).subList(1, parts.length));
        String what = switch (type) {
            case NodeCreated -> "created";
            case NodeDeleted -> "removed";
            default -> "changed";
        };
        // the key only: a config value may be a secret and never enters the timeline
        submit(() -> add("config", null, parts[0], "key '" + key + "' " + what));
    }

    private void leadership(boolean record) throws Exception {
        Map<String, String> now = new HashMap<>();
        for (CoordinationStore.LeaderGroup group : this.coordination.leaders()) {
            if (group.leader() != null) {
                now.put(group.group(), group.leader());
            }
        }
        if (record) {
            now.forEach((group, leader) -> {
                String before = this.leaders.get(group);
                if (!leader.equals(before)) {
                    add("leadership", null, group, "leader " + leader + ((before != null) ? " (was " + before + ")"
                            : ""));
                }
            });
            this.leaders.forEach((group, before) -> {
                if (!now.containsKey(group)) {
                    add("leadership", null, group, "no leader (was " + before + ")");
                }
            });
        }
        this.leaders.clear();
        this.leaders.putAll(now);
    }

    private void placement(boolean record) throws Exception {
        Map<String, Long> now = new HashMap<>();
        for (PlacementStore.PlacementGroup group : this.placement.groups()) {
            now.put(group.group(), group.generation());
            Long before = this.generations.get(group.group());
            if (record && group.generation() > 0 && !Objects.equals(before, group.generation())) {
                add("placement", null, group.group(), "generation " + group.generation() + ((before != null)
                        ? " (was " + before + ")" : "") + ", leader " + group.leader() + ", " + group.members().size()
                        + " members, " + group.moving() + " items moving");
            }
        }
        this.generations.clear();
        this.generations.putAll(now);
    }

    private void add(String kind, String service, String subject, String detail) {
        synchronized (this.entries) {
            this.entries.addFirst(new Entry(this.clock.instant().toString(), kind, service, subject, detail));
            while (this.entries.size() > MAX_ENTRIES) {
                this.entries.removeLast();
            }
        }
        if (this.announce != null) {
            this.announce.accept("timeline");
        }
    }

    /** Runs {@code task} once for a burst of changes: a latch or an assignment change touches several znodes. */
    private void coalesced(String key, Read task) {
        if (this.pending.add(key)) {
            submit(() -> {
                this.pending.remove(key);
                task.run();
            });
        }
    }

    private void submit(Read task) {
        try {
            this.executor.execute(() -> {
                try {
                    task.run();
                }
                catch (Exception ex) {
                    // ZooKeeper away or the node gone meanwhile: the change is left out of the timeline
                    logger.debug("Timeline entry skipped: {}", ex.toString());
                }
            });
        }
        catch (RejectedExecutionException ex) {
            // closed
        }
    }

    private static String[] relative(String root, String path) {
        if (!path.startsWith(root + "/")) {
            return null;
        }
        return path.substring(root.length() + 1).split("/");
    }

    @Override
    public void close() {
        this.executor.shutdownNow();
    }

    private interface Read {

        void run() throws Exception;
    }

    /**
     * One thing that happened.
     * @param at when the registry saw it (ISO-8601)
     * @param kind {@code registration}, {@code deregistration}, {@code status}, {@code config}, {@code leadership} or
     * {@code placement}
     * @param service the service, for the registration kinds and {@code status}; otherwise {@code null}
     * @param subject what changed: {@code service/instance-id}, a config context, a leader group or a work group
     * @param detail a short description; for config the key and what happened to it, never the value
     */
    @Schema(name = "TimelineEntry")
    record Entry(String at, String kind, @Nullable String service, String subject, String detail) {
    }
}
