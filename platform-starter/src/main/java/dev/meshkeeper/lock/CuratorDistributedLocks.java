package dev.meshkeeper.lock;

import dev.meshkeeper.zookeeper.ZooKeeperConnectionMonitor;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import io.micrometer.observation.ObservationRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.function.Supplier;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.utils.PathUtils;
import org.apache.curator.utils.ZKPaths;
import org.springframework.context.ApplicationEventPublisher;

/**
 * {@link DistributedLocks} on Curator's recipes over the application's {@link CuratorFramework} (it never opens a
 * client of its own). The starter creates one; {@link #builder(CuratorFramework)} builds one outside Spring, e.g.
 * for a second participant in a test. Connection state comes from the {@link ZooKeeperConnectionMonitor}.
 */
public final class CuratorDistributedLocks implements DistributedLocks {

    private final String root;

    private final LockContext context;

    private final ZooKeeperConnectionMonitor ownMonitor;

    private final ConcurrentMap<String, MutexParticipant> mutexes = new ConcurrentHashMap<>();

    private final ConcurrentMap<String, RecipeReadWriteLock> readWriteLocks = new ConcurrentHashMap<>();

    private CuratorDistributedLocks(Builder builder) {
        this.root = builder.properties.getRoot();
        try {
            PathUtils.validatePath(this.root);
        }
        catch (IllegalArgumentException ex) {
            throw new IllegalArgumentException("meshkeeper.lock.root '" + this.root + "' is not a znode path ("
                    + ex.getMessage() + "); use an absolute path such as /meshkeeper/locks", ex);
        }
        ZooKeeperConnectionMonitor monitor = builder.monitor;
        if (monitor == null) {
            monitor = new ZooKeeperConnectionMonitor(builder.curator, event -> {
            }, builder.clock);
            monitor.afterPropertiesSet();
        }
        this.ownMonitor = (builder.monitor == null) ? monitor : null;
        LockMeters meters = new LockMeters(builder.meters, builder.observations);
        LeaseRegistry leases = new LeaseRegistry(monitor, builder.publisher, meters,
                builder.properties.isInterruptOnLoss());
        this.context = new LockContext(builder.curator, leases, meters, new RecipeThreads(builder.properties.getMaxHolds()), builder.clock,
                builder.operationTimeout, builder.instanceId, this);
    }

    /** A builder over the application's client; every other setting has a default. */
    public static Builder builder(CuratorFramework curator) {
        return new Builder(curator);
    }

    @Override
    public ClusterLock mutex(String name, String meterName) {
        MutexParticipant existing = this.mutexes.get(name);
        if (existing != null) {
            return existing;
        }
        String path = path(name);
        String meters = meterName(meterName);
        return this.mutexes.computeIfAbsent(name, key -> new MutexParticipant(this.context, key, path, meters,
                idle -> this.mutexes.remove(key, idle), () -> (MutexParticipant) mutex(key, meters)));
    }

    @Override
    public ReadWriteClusterLock readWrite(String name, String meterName) {
        RecipeReadWriteLock existing = this.readWriteLocks.get(name);
        if (existing != null) {
            return existing;
        }
        String path = path(name);
        String meters = meterName(meterName);
        return this.readWriteLocks.computeIfAbsent(name,
                key -> new RecipeReadWriteLock(this.context, key, path, meters));
    }

    @Override
    public ClusterLock semaphore(String name, int permits, String meterName) {
        String path = path(name);
        if (permits < 1) {
            throw new IllegalArgumentException("semaphore '" + name + "' needs at least 1 permit, got " + permits);
        }
        return new RecipeLock(this.context, name, path, meterName(meterName),
                data -> new SemaphoreLock(this.context.curator(), path, permits, data), (lease, held) -> {
                });
    }

    private static String meterName(String meterName) {
        if (meterName == null || meterName.isBlank()) {
            throw new IllegalArgumentException("lock meter name '" + meterName + "' is empty; give a bounded name "
                    + "for the family of locks, such as 'stock' for the locks 'stock-' + sku");
        }
        return meterName;
    }

    /** The znode path of a lock name; validates the name. */
    private String path(String name) {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("lock name '" + name + "' is empty; give each lock a name such as "
                    + "'stock-42' (for @DistributedLock, check that the key expression yields a non-empty value)");
        }
        if (name.indexOf('/') >= 0) {
            throw new IllegalArgumentException("lock name '" + name + "' contains '/'; a lock name is one znode "
                    + "name under " + this.root + ": use '-' or ':' to separate its parts");
        }
        String path = ZKPaths.makePath(this.root, name);
        try {
            PathUtils.validatePath(path);
        }
        catch (IllegalArgumentException ex) {
            throw new IllegalArgumentException(
                    "lock name '" + name + "' is not a valid znode name (" + ex.getMessage() + "); use letters, "
                            + "digits, '-', '_', '.', ':'",
                    ex);
        }
        return path;
    }

    @Override
    public void close() {
        this.context.leases().close();
        this.context.threads().close();
        if (this.ownMonitor != null) {
            this.ownMonitor.destroy();
        }
    }

    // --- for the endpoint and tests of this package

    /** Connection interruptions seen so far. */
    long epoch() {
        return this.context.leases().epoch();
    }

    List<Map<String, Object>> heldLeases() {
        return this.context.leases().describe();
    }

    /** Mutex participants alive now (idle ones leave). */
    int participants() {
        return this.mutexes.size();
    }

    Map<String, Integer> waiters() {
        Map<String, Integer> waiting = new LinkedHashMap<>();
        this.mutexes.forEach((name, mutex) -> {
            int count = mutex.waiting();
            if (count > 0) {
                waiting.put(name, count);
            }
        });
        return waiting;
    }

    /** Settings of a {@link CuratorDistributedLocks}; each has a default. */
    public static final class Builder {

        private final CuratorFramework curator;

        private ZooKeeperConnectionMonitor monitor;

        private LockProperties properties = new LockProperties();

        private Supplier<String> instanceId = () -> "unknown";

        private ApplicationEventPublisher publisher = event -> {
        };

        private MeterRegistry meters = new CompositeMeterRegistry();

        private ObservationRegistry observations = ObservationRegistry.NOOP;

        private Duration operationTimeout = Duration.ofSeconds(1);

        private Clock clock = Clock.systemUTC();

        private Builder(CuratorFramework curator) {
            this.curator = Objects.requireNonNull(curator, "curator");
        }

        /**
         * The application's connection monitor, the one source of connection state. Without one the locks start
         * a monitor of their own over the client (and stop it on close).
         */
        public Builder connectionMonitor(ZooKeeperConnectionMonitor monitor) {
            this.monitor = monitor;
            return this;
        }

        /** {@code meshkeeper.lock.*}: root, interrupt-on-loss and max-holds. */
        public Builder properties(LockProperties properties) {
            this.properties = properties;
            return this;
        }

        /** The holder name written into lock nodes (the application's registration id). */
        public Builder instanceId(Supplier<String> instanceId) {
            this.instanceId = instanceId;
            return this;
        }

        /** Where {@link LockLostEvent}s go (default: nowhere). */
        public Builder eventPublisher(ApplicationEventPublisher publisher) {
            this.publisher = publisher;
            return this;
        }

        /** Where the lock meters go (default: nowhere). */
        public Builder meterRegistry(MeterRegistry meters) {
            this.meters = meters;
            return this;
        }

        /**
         * Where the {@code meshkeeper.lock.wait} and {@code meshkeeper.lock.hold} observations go (default: none).
         */
        public Builder observationRegistry(ObservationRegistry observations) {
            this.observations = observations;
            return this;
        }

        /** The longest a lock node's creation is waited for ({@code meshkeeper.zookeeper.operation-timeout}). */
        public Builder operationTimeout(Duration operationTimeout) {
            this.operationTimeout = operationTimeout;
            return this;
        }

        /** The clock lock nodes and leases take their times from. */
        public Builder clock(Clock clock) {
            this.clock = clock;
            return this;
        }

        public CuratorDistributedLocks build() {
            return new CuratorDistributedLocks(this);
        }
    }
}
