package dev.meshkeeper.discovery;

import dev.meshkeeper.zookeeper.ZooKeeperConnectionMonitor;
import java.io.Closeable;
import java.time.Clock;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.recipes.cache.CuratorCacheListener;
import org.apache.curator.framework.state.ConnectionState;
import org.apache.curator.utils.ZKPaths;
import org.apache.curator.x.discovery.details.InstanceSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.cloud.client.ServiceInstance;
import org.springframework.cloud.zookeeper.discovery.ZookeeperInstance;

/**
 * The registered instances of every service this application looks up, held in memory and kept current by
 * ZooKeeper watches (one Curator {@link CuratorCache} per service under {@code <root>/<service>}, opened on the
 * service's first lookup, or from the start in the background for the services to preload). Reads never touch
 * ZooKeeper, except the first lookup of a service not loaded yet while connected, which waits up to
 * {@code meshkeeper.discovery.cache-start-timeout} for the cache to load. During an outage a first lookup answers at
 * once with an empty list, and the service's cache loads when the connection returns; the service names
 * ({@link #services()}) are watched the same way. Each instance is kept in a compact form (not the node's bytes).
 * <p>
 * Registrations are read in Spring Cloud Zookeeper's format (Curator {@code ServiceInstance} JSON with a
 * {@link ZookeeperInstance} payload). A node that cannot be read as one — bad JSON, no address, no port — is left
 * out with one WARN naming its path; it never breaks the cache. Unknown metadata keys are kept as they are.
 * <p>
 * On connection loss the last known instances stay visible (Curator keeps the cache and resynchronises it on
 * reconnect, and every registration is read again a second after the connection returns); they are not cleared,
 * because a partitioned consumer is better served by a slightly stale list than by none.
 * <p>
 * Removal grace: when the registration of the <em>last</em> UP instance of a service vanishes, the instance stays
 * listed for the removal grace (unless it registers again or another UP instance appears first, which end the grace
 * at once). A provider whose session expired, or which Curator's {@code ServiceDiscovery} re-registers on reconnect
 * by delete and create, is then never missing from a list that would otherwise be empty. An instance that is not the
 * last UP one is removed at once (callers have others to choose), and so is an instance whose last known status was
 * not UP: a graceful deregistration (OUT_OF_SERVICE first) drains instantly. A crashed last instance stays listed for
 * at most the grace; calls to it fail as they would have with an empty list.
 */
public class WatchedInstances implements Closeable {

    /** The metadata key holding an instance's status, as Spring Cloud Zookeeper writes it. */
    public static final String STATUS_KEY = InstanceMetadata.STATUS_KEY;

    private static final Logger logger = LoggerFactory.getLogger(WatchedInstances.class);

    private static final Duration RESYNC_DELAY = Duration.ofSeconds(1);

    private final CuratorFramework curator;

    private final String root;

    private final RegistrationChanges changes;

    private final Duration startTimeout;

    private final RemovalGrace removalGrace;

    private final Map<String, WatchedService> services = new ConcurrentHashMap<>();

    private final MembershipListeners listeners = new MembershipListeners();

    private final WatchedServiceNames serviceNames;

    private final ServicePreload preload;

    private final ZooKeeperConnectionMonitor connection;

    /** The monitor this cache made for itself when none was given, closed with it. */
    private final ZooKeeperConnectionMonitor ownConnection;

    private final AutoCloseable connectionSubscription;

    private final AtomicReference<State> state = new AtomicReference<>(State.OPEN);

    private enum State {
        OPEN, CLOSED
    }

    /** As below, removing vanished instances at once. */
    public WatchedInstances(CuratorFramework curator, String root, InstanceSerializer<ZookeeperInstance> serializer,
            Duration startTimeout) {
        this(curator, root, serializer, startTimeout, Duration.ZERO);
    }

    /**
     * As {@link #WatchedInstances(CuratorFramework, String, InstanceSerializer, Duration, Duration,
     * ZooKeeperConnectionMonitor, Duration, Collection)}, following the client's connection directly, waiting for
     * the service names at most {@code startTimeout}, preloading nothing.
     */
    public WatchedInstances(CuratorFramework curator, String root, InstanceSerializer<ZookeeperInstance> serializer,
            Duration startTimeout, Duration removalGrace) {
        this(curator, root, serializer, startTimeout, removalGrace, null, startTimeout, Clock.systemUTC(), null);
    }

    /**
     * As {@link #WatchedInstances(CuratorFramework, String, InstanceSerializer, Duration, Duration,
     * ZooKeeperConnectionMonitor, Duration, Collection)}, preloading nothing.
     */
    public WatchedInstances(CuratorFramework curator, String root, InstanceSerializer<ZookeeperInstance> serializer,
            Duration startTimeout, Duration removalGrace, ZooKeeperConnectionMonitor connection,
            Duration lookupTimeout) {
        this(curator, root, serializer, startTimeout, removalGrace, connection, lookupTimeout, List.of());
    }

    /**
     * @param curator the application's (started) client
     * @param root the services root, {@code spring.cloud.zookeeper.discovery.root}
     * @param serializer how registrations are read, the application's {@code InstanceSerializer}
     * @param startTimeout how long a service's first lookup waits for its cache to load while connected
     * @param removalGrace how long the last UP instance of a service stays listed after its registration vanished;
     * {@link Duration#ZERO} removes it at once
     * @param connection the application's connection monitor: while it reports no connection, nothing waits for
     * ZooKeeper, and its reconnections trigger a re-read; {@code null} follows the client's connection directly
     * @param lookupTimeout how long the first read of the service names may be waited for
     * ({@code meshkeeper.zookeeper.operation-timeout})
     * @param preloadServices the services whose caches are opened in the background from the start, so that their
     * first lookup does not wait ({@code meshkeeper.discovery.preload-services}); {@code "*"} for every service
     * registered under the root, now and later
     */
    public WatchedInstances(CuratorFramework curator, String root, InstanceSerializer<ZookeeperInstance> serializer,
            Duration startTimeout, Duration removalGrace, ZooKeeperConnectionMonitor connection,
            Duration lookupTimeout, Collection<String> preloadServices) {
        this(curator, root, serializer, startTimeout, removalGrace, connection, lookupTimeout, Clock.systemUTC(),
                null, preloadServices);
    }

    /**
     * As above, with the clock that decides when a removal grace has passed and the scheduler that ends it
     * ({@code null}: a daemon thread of its own).
     */
    WatchedInstances(CuratorFramework curator, String root, InstanceSerializer<ZookeeperInstance> serializer,
            Duration startTimeout, Duration removalGrace, ZooKeeperConnectionMonitor connection,
            Duration lookupTimeout, Clock clock, ScheduledExecutorService graceScheduler) {
        this(curator, root, serializer, startTimeout, removalGrace, connection, lookupTimeout, clock, graceScheduler,
                List.of());
    }

    private WatchedInstances(CuratorFramework curator, String root, InstanceSerializer<ZookeeperInstance> serializer,
            Duration startTimeout, Duration removalGrace, ZooKeeperConnectionMonitor connection,
            Duration lookupTimeout, Clock clock, ScheduledExecutorService graceScheduler,
            Collection<String> preloadServices) {
        this.removalGrace = new RemovalGrace(removalGrace, clock, graceScheduler, this.listeners::changed);
        this.curator = curator;
        this.root = root.startsWith("/") ? root : "/" + root;
        this.changes = new RegistrationChanges(new RegistrationReader(serializer), this.removalGrace, this.listeners);
        this.startTimeout = startTimeout;
        this.ownConnection = (connection != null) ? null : ownMonitor(curator);
        this.connection = (connection != null) ? connection : this.ownConnection;
        this.preload = new ServicePreload(preloadServices, this::opened);
        this.serviceNames = new WatchedServiceNames(curator, this.root, this.connection, lookupTimeout,
                this.preload::registered);
        this.connectionSubscription = this.connection.subscribe((client, newState) -> {
            if (newState == ConnectionState.RECONNECTED) {
                CompletableFuture.delayedExecutor(RESYNC_DELAY.toMillis(), TimeUnit.MILLISECONDS)
                        .execute(this::resync);
            }
        });
        this.preload.start();
    }

    private static ZooKeeperConnectionMonitor ownMonitor(CuratorFramework curator) {
        ZooKeeperConnectionMonitor monitor = new ZooKeeperConnectionMonitor(curator, (event) -> {
        });
        monitor.afterPropertiesSet();
        return monitor;
    }

    /**
     * The instances of the service whose status is {@code UP} (an instance without a status counts as UP, as in
     * Spring Cloud Zookeeper). Starts watching the service on its first call.
     * @return an immutable snapshot, empty when none is registered
     */
    public List<ServiceInstance> instances(String serviceId) {
        return allInstances(serviceId).stream().filter(InstanceMetadata::isUp).toList();
    }

    /**
     * Every well-formed registered instance of the service, whatever its status. Starts watching the service on its
     * first call.
     * @return an immutable snapshot, empty when none is registered
     */
    public List<ServiceInstance> allInstances(String serviceId) {
        return watch(serviceId).instances();
    }

    /**
     * The services registered under the root, from memory: read in the background on the first call and again
     * whenever a watch on the root reports a change or the connection returns. Only a call before the first read
     * completed waits, while connected and at most {@code meshkeeper.zookeeper.operation-timeout}; during an outage
     * the last known names are returned.
     */
    public List<String> services() {
        return this.serviceNames.names();
    }

    /** The services whose instances are watched: those looked up at least once, and those preloaded. */
    public List<String> watchedServices() {
        return List.copyOf(this.services.keySet());
    }

    /** Adds a listener for every watched service, present and future. */
    public void addListener(MembershipListener listener) {
        this.listeners.add(listener);
    }

    public void removeListener(MembershipListener listener) {
        this.listeners.remove(listener);
    }

    /** Whether the instance's {@link #STATUS_KEY} is UP or absent; as {@link InstanceMetadata#isUp}. */
    public static boolean isUp(ServiceInstance instance) {
        return InstanceMetadata.isUp(instance);
    }

    /** Stops every watch. Later lookups return empty lists. */
    @Override
    public void close() {
        if (this.state.compareAndSet(State.OPEN, State.CLOSED)) {
            this.removalGrace.close();
            try {
                this.connectionSubscription.close();
            }
            catch (Exception ex) {
                logger.debug("Could not stop following the connection", ex);
            }
            if (this.ownConnection != null) {
                this.ownConnection.destroy();
            }
            this.preload.close();
            this.serviceNames.close();
            this.services.values().forEach(WatchedService::close);
            this.services.clear();
        }
    }

    private WatchedService watch(String serviceId) {
        WatchedService service = opened(serviceId);
        service.awaitLoaded(this.startTimeout, this.connection::isConnected);
        return service;
    }

    /** The service's watched cache, opened (without waiting for it to load) if it is not yet. */
    private WatchedService opened(String serviceId) {
        if (this.state.get() == State.CLOSED) {
            return WatchedService.EMPTY;
        }
        WatchedService service = this.services.computeIfAbsent(serviceId, this::open);
        if (this.state.get() == State.CLOSED) {
            service.close(); // closed meanwhile: close() may have missed it
            return WatchedService.EMPTY;
        }
        return service;
    }

    /**
     * Reads every watched registration again a little after the connection returns. Curator's cache compares only
     * the data version of a node it reads again after a reconnect, so a registration deleted and created again
     * while this application was disconnected (Curator's {@code ServiceDiscovery} re-registers that way, with the
     * change made during the outage) looks unchanged to it and would keep its old content until its next change.
     * The delay lets the cache's own watch be set again first, so no later change can slip between the two.
     */
    private void resync() {
        if (this.state.get() == State.CLOSED) {
            return;
        }
        for (WatchedService service : this.services.values()) {
            service.readAgain(this.curator, (node) -> {
                if (this.state.get() == State.OPEN) {
                    this.changes.apply(service, CuratorCacheListener.Type.NODE_CHANGED, null, node);
                }
            });
        }
    }

    private WatchedService open(String serviceId) {
        return WatchedService.open(this.curator, serviceId, ZKPaths.makePath(this.root, serviceId), this.changes,
                this.listeners);
    }
}
