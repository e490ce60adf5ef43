package dev.meshkeeper.data;

import dev.meshkeeper.zookeeper.ZooKeeperRequests;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.apache.curator.framework.api.CuratorEvent;
import org.apache.zookeeper.KeeperException;
import org.springframework.context.ApplicationEventPublisher;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;

/**
 * Typed values, maps and counters shared by every instance of the application, stored as JSON under
 * {@code meshkeeper.data.root} (default {@code /meshkeeper/data}) over the application's single ZooKeeper
 * connection.
 * <p>
 * Opening a name ({@link #value}, {@link #map}, {@link #counter}) reads it in full and keeps a local replica current
 * through a ZooKeeper watch; the same instance is returned on every later call. Reads answer from the replica,
 * at memory speed and also while ZooKeeper is away (with {@link Versioned#stale()} set); writes are
 * compare-and-set requests to ZooKeeper that fail at once while it is away. Names match
 * {@code [A-Za-z0-9_-][A-Za-z0-9._-]{0,127}}; a name keeps the kind (value, map, counter) it was created with.
 */
public class SharedData implements AutoCloseable {

    private final DataContext context;

    private final Map<String, Replica> replicas = new ConcurrentHashMap<>();

    private final Object opening = new Object();

    /** For use outside Spring: no events, meters in a private registry, the system clock. */
    public SharedData(ZooKeeperRequests requests, DataProperties properties) {
        this(requests, JsonMapper.builder().build(), properties, null, new SimpleMeterRegistry(), Clock.systemUTC());
    }

    public SharedData(ZooKeeperRequests requests, ObjectMapper mapper, DataProperties properties,
            ApplicationEventPublisher publisher, MeterRegistry meters, Clock clock) {
        if (properties.getMaxEntries() < 1 || properties.getUpdateAttempts() < 1) {
            throw new IllegalArgumentException("meshkeeper.data.max-entries (" + properties.getMaxEntries()
                    + ") and meshkeeper.data.update-attempts (" + properties.getUpdateAttempts()
                    + ") must be at least 1; e.g. 10000 and 16");
        }
        this.context = new DataContext(requests, mapper, properties, publisher, meters, clock);
        Gauge.builder("meshkeeper.data.replicas", this.replicas, Map::size)
                .description("Shared data names with a local replica").register(meters);
        Gauge.builder("meshkeeper.data.stale", this, SharedData::longestStaleSeconds).baseUnit("seconds")
                .description("How long the stalest replica has been stale (0 when all are current)")
                .register(meters);
    }

    /**
     * The shared value {@code name} with values of {@code type}, replicated locally from now on.
     * @throws IllegalArgumentException when the name breaks the naming rule
     * @throws IllegalStateException when {@code name} is a map or counter, or already open with another type
     * @throws dev.meshkeeper.zookeeper.ZooKeeperUnavailableException when it cannot be read now
     */
    @SuppressWarnings("unchecked")
    public <T> SharedValue<T> value(String name, Class<T> type) {
        return (SharedValue<T>) open(name, DataKind.VALUE, type, () -> new ValueReplica<>(this.context, name, type));
    }

    /**
     * The shared map {@code name} with entries of {@code type}, replicated locally from now on; created empty if
     * it does not exist.
     * @throws IllegalArgumentException when the name breaks the naming rule
     * @throws IllegalStateException when {@code name} is a value or counter, or already open with another type
     * @throws dev.meshkeeper.zookeeper.ZooKeeperUnavailableException when it cannot be read now
     */
    @SuppressWarnings("unchecked")
    public <V> SharedMap<V> map(String name, Class<V> type) {
        return (SharedMap<V>) open(name, DataKind.MAP, type, () -> new MapReplica<>(this.context, name, type));
    }

    /**
     * The shared counter {@code name}, replicated locally from now on; created at 0 if it does not exist.
     * @throws IllegalArgumentException when the name breaks the naming rule
     * @throws IllegalStateException when {@code name} is a map or a value that is not an integer
     * @throws dev.meshkeeper.zookeeper.ZooKeeperUnavailableException when it cannot be read now
     */
    public SharedCounter counter(String name) {
        return (SharedCounter) open(name, DataKind.COUNTER, Long.class, () -> new CounterReplica(this.context, name));
    }

    private Replica open(String name, DataKind kind, Class<?> type, Supplier<Replica> replica) {
        String path = this.context.paths.of(name);
        Replica open = this.replicas.get(name);
        if (open == null) {
            synchronized (this.opening) {
                open = this.replicas.get(name);
                if (open == null) {
                    prepare(name, path, kind, type);
                    Replica started = replica.get();
                    started.start();
                    this.replicas.put(name, started);
                    return started;
                }
            }
        }
        if (open.kind != kind) {
            throw new IllegalStateException(kindMismatch(name, open.kind, kind));
        }
        if (open.type() != type) {
            throw new IllegalStateException("Shared " + kind.label() + " '" + name + "' is already open with type "
                    + open.type().getName() + ", not " + type.getName() + "; open each name with one type");
        }
        return open;
    }

    /** Checks the kind of an existing node; creates the node of a new map or counter. */
    private void prepare(String name, String path, DataKind kind, Class<?> type) {
        ZooKeeperRequests requests = this.context.requests;
        for (int attempt = 0; attempt < 3; attempt++) {
            CuratorEvent node;
            try {
                node = requests.call("read", path,
                        (client, callback) -> client.getData().inBackground(callback).forPath(path));
            }
            catch (KeeperException.NoNodeException ex) {
                node = null;
            }
            catch (KeeperException ex) {
                throw new IllegalStateException("ZooKeeper refused to read shared data '" + name + "' at " + path
                        + ": " + ex.code(), ex);
            }
            if (node != null) {
                DataKind found = DataKind.of(node.getData(), node.getStat().getNumChildren());
                if (!kind.accepts(found, type)) {
                    throw new IllegalStateException(kindMismatch(name, found, kind));
                }
                return;
            }
            if (kind == DataKind.VALUE) {
                return;
            }
            byte[] initial = (kind == DataKind.MAP) ? DataKind.MAP_MARKER : "0".getBytes(StandardCharsets.UTF_8);
            try {
                requests.call("create", path, (client, callback) -> client.create()
                        .creatingParentContainersIfNeeded().inBackground(callback).forPath(path, initial));
                return;
            }
            catch (KeeperException.NodeExistsException ex) {
                // created meanwhile by another instance: check what it is
            }
            catch (KeeperException ex) {
                throw new IllegalStateException("ZooKeeper refused to create shared " + kind.label() + " '" + name
                        + "' at " + path + ": " + ex.code(), ex);
            }
        }
        throw new IllegalStateException("Shared data '" + name + "' at " + path + " kept changing while opened");
    }

    private static String kindMismatch(String name, DataKind found, DataKind requested) {
        return "Shared data '" + name + "' is a " + found.label() + ", not a " + requested.label()
                + "; open it as a " + found.label() + " or use another name";
    }

    private double longestStaleSeconds() {
        Duration longest = Duration.ZERO;
        for (Replica replica : this.replicas.values()) {
            Duration stale = replica.staleFor();
            if (stale != null && stale.compareTo(longest) > 0) {
                longest = stale;
            }
        }
        return longest.toMillis() / 1000.0;
    }

    /** Every open name with its kind, size or version and staleness, for the {@code meshkeeper} endpoint. */
    Map<String, Object> describe() {
        Map<String, Object> names = new TreeMap<>();
        this.replicas.forEach((name, replica) -> names.put(name, replica.describe()));
        return names;
    }

    /** Changes applied, compare-and-set conflicts and undecodable payloads since start, for the endpoint. */
    Map<String, Object> counts() {
        Map<String, Object> counts = new LinkedHashMap<>();
        counts.put("updates", (long) this.context.updates.count());
        counts.put("conflicts", (long) this.context.conflicts.count());
        counts.put("undecodable", (long) this.context.undecodable.count());
        return counts;
    }

    /** The parent znode of all shared data. */
    public String root() {
        return this.context.paths.root();
    }

    /** Stops replicating: closes every replica's watch and the event thread. */
    @Override
    public void close() {
        this.replicas.values().forEach(Replica::close);
        this.replicas.clear();
        this.context.close();
    }
}
