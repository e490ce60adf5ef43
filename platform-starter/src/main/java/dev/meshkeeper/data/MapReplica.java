package dev.meshkeeper.data;

import java.time.Duration;
import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.WatchedEvent;
import org.apache.zookeeper.Watcher;
import org.apache.zookeeper.data.Stat;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** {@link SharedMap} over the replica of its node's children, one decoded value per entry. */
final class MapReplica<V> extends Replica implements SharedMap<V> {

    private static final Logger logger = LoggerFactory.getLogger(MapReplica.class);

    private final JsonCodec<V> codec;

    /** Each entry with its metadata; replaced per change, never mutated. */
    private final Map<String, Versioned<V>> entries = new ConcurrentHashMap<>();

    /** The same entries' values, behind the read-only view {@link #entries()} hands out. */
    private final Map<String, V> values = new ConcurrentHashMap<>();

    private final Map<String, V> view = Collections.unmodifiableMap(this.values);

    private final List<EntryChangeListener<V>> listeners = new CopyOnWriteArrayList<>();

    private final Map<String, List<DataChangeListener<V>>> entryListeners = new ConcurrentHashMap<>();

    private final MapWrites<V> mapWrites;

    MapReplica(DataContext context, String name, Class<V> type) {
        super(context, name, DataKind.MAP, true);
        this.codec = new JsonCodec<>(context.mapper, type);
        this.mapWrites = new MapWrites<>(this, this.codec);
    }

    /** The entry as this replica holds it, {@code null} when absent. */
    Versioned<V> known(String key) {
        return this.entries.get(key);
    }

    @Override
    public String name() {
        return this.name;
    }

    @Override
    public V get(String key) {
        return this.values.get(key);
    }

    @Override
    public Versioned<V> getVersioned(String key) {
        Versioned<V> entry = this.entries.get(key);
        return withStaleness((entry != null) ? entry : Versioned.absent());
    }

    @Override
    public Map<String, V> entries() {
        return this.view;
    }

    @Override
    public int size() {
        return this.values.size();
    }

    @Override
    void resync(Runnable done) {
        try {
            curator().getChildren().inBackground((client, event) -> {
                if (event.getResultCode() == KeeperException.Code.NONODE.intValue()) {
                    removeAllBut(Set.of());
                    done.run();
                }
                else if (event.getResultCode() == KeeperException.Code.OK.intValue()) {
                    List<String> children = event.getChildren();
                    removeAllBut(Set.copyOf(children));
                    if (children.isEmpty()) {
                        done.run();
                        return;
                    }
                    AtomicInteger outstanding = new AtomicInteger(children.size());
                    Runnable countDown = () -> {
                        if (outstanding.decrementAndGet() == 0) {
                            done.run();
                        }
                    };
                    for (String key : children) {
                        read(this.path + "/" + key, (stat, data) -> apply(key, stat, data), () -> applyRemoved(key, 0),
                                countDown);
                    }
                }
                else {
                    logger.debug("Listing shared map '{}' ended with {}; the next resync lists it again", this.name,
                            KeeperException.Code.get(event.getResultCode()));
                }
            }).forPath(this.path);
        }
        catch (Exception ex) {
            logger.debug("Could not list shared map '{}': {}", this.name, ex.toString());
        }
    }

    @Override
    void changed(WatchedEvent event) {
        String znode = event.getPath();
        if (znode == null || znode.length() <= this.path.length() + 1) {
            if (event.getType() == Watcher.Event.EventType.NodeDeleted && this.path.equals(znode)) {
                removeAllBut(Set.of());
            }
            return;
        }
        String key = znode.substring(this.path.length() + 1);
        if (key.indexOf('/') >= 0) {
            return;
        }
        if (event.getType() == Watcher.Event.EventType.NodeDeleted) {
            applyRemoved(key, event.getZxid());
        }
        else if (event.getType() == Watcher.Event.EventType.NodeCreated
                || event.getType() == Watcher.Event.EventType.NodeDataChanged) {
            read(znode, (stat, data) -> apply(key, stat, data), () -> applyRemoved(key, 0), null);
        }
    }

    synchronized void apply(String key, Stat stat, byte[] data) {
        Versioned<V> previous = this.entries.get(key);
        if (previous != null && stat.getMzxid() <= previous.modifiedZxid()) {
            return;
        }
        V value;
        try {
            value = this.codec.decode(this.name + "/" + key, data);
            if (value == null) {
                throw new IllegalStateException("Shared map entry '" + this.name + "/" + key + "' is empty");
            }
        }
        catch (IllegalStateException ex) {
            undecodable(this.name + "/" + key, stat, ex);
            return;
        }
        Versioned<V> next = new Versioned<>(value, stat.getVersion(), stat.getMzxid(),
                Instant.ofEpochMilli(stat.getMtime()), false, Duration.ZERO);
        this.entries.put(key, next);
        this.values.put(key, value);
        announce(key, (previous != null) ? previous.value() : null, value, next.version());
    }

    synchronized void applyRemoved(String key, long zxid) {
        Versioned<V> previous = this.entries.get(key);
        if (previous == null || (zxid > 0 && zxid < previous.modifiedZxid())) {
            return;
        }
        this.entries.remove(key);
        this.values.remove(key);
        announce(key, previous.value(), null, Versioned.ABSENT);
    }

    private synchronized void removeAllBut(Set<String> keys) {
        for (String key : List.copyOf(this.entries.keySet())) {
            if (!keys.contains(key)) {
                applyRemoved(key, 0);
            }
        }
    }

    private void announce(String key, V oldValue, V newValue, int version) {
        this.context.updates.increment();
        if (!announcing()) {
            return;
        }
        // The listeners registered when the change was applied: one added later hears only later changes.
        List<EntryChangeListener<V>> all = List.copyOf(this.listeners);
        List<DataChangeListener<V>> forKey = List.copyOf(this.entryListeners.getOrDefault(key, List.of()));
        this.context.deliver(() -> {
            all.forEach(listener -> DataContext.safely(this.name, () -> listener.changed(key, oldValue, newValue)));
            forKey.forEach(listener -> DataContext.safely(this.name, () -> listener.changed(oldValue, newValue)));
        }, new SharedDataChangedEvent(this, this.name, this.kind.label(), key, oldValue, newValue, version));
    }

    @Override
    public Versioned<V> put(String key, V value) {
        return this.mapWrites.put(key, value);
    }

    @Override
    public CasResult<V> putIfAbsent(String key, V value) {
        return this.mapWrites.compareAndSet(key, Versioned.ABSENT, value);
    }

    @Override
    public CasResult<V> compareAndSet(String key, int expectedVersion, V value) {
        return this.mapWrites.compareAndSet(key, expectedVersion, value);
    }

    @Override
    public boolean replace(String key, V expected, V replacement) {
        return this.mapWrites.replace(key, expected, replacement);
    }

    @Override
    public Versioned<V> update(String key, UnaryOperator<V> function) {
        return this.mapWrites.update(key, function);
    }

    @Override
    public boolean remove(String key) {
        return this.mapWrites.remove(key);
    }

    @Override
    public Subscription onChange(EntryChangeListener<V> listener) {
        this.listeners.add(listener);
        return () -> this.listeners.remove(listener);
    }

    @Override
    public Subscription onChange(String key, DataChangeListener<V> listener) {
        this.context.paths.entry(this.name, key);
        List<DataChangeListener<V>> forKey = this.entryListeners.computeIfAbsent(key,
                k -> new CopyOnWriteArrayList<>());
        forKey.add(listener);
        return () -> forKey.remove(listener);
    }

    @Override
    Class<?> type() {
        return this.codec.type();
    }

    @Override
    Map<String, Object> describe() {
        Map<String, Object> description = new LinkedHashMap<>();
        description.put("kind", this.kind.label());
        description.put("entries", size());
        description.put("stale", isStale());
        description.put("staleFor", staleFor());
        return description;
    }

    @Override
    public String toString() {
        return "SharedMap[" + this.name + ", " + size() + " entries]";
    }
}
