package dev.meshkeeper.discovery;

import java.io.Closeable;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.recipes.cache.ChildData;
import org.apache.curator.framework.recipes.cache.CuratorCache;
import org.apache.curator.framework.recipes.cache.CuratorCacheListener;
import org.apache.curator.framework.state.ConnectionState;
import org.apache.curator.framework.state.ConnectionStateListener;
import org.apache.curator.utils.ZKPaths;
import org.apache.curator.x.discovery.details.InstanceSerializer;
import org.apache.zookeeper.KeeperException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.cloud.client.ServiceInstance;
import org.springframework.cloud.zookeeper.discovery.ZookeeperInstance;
import org.springframework.cloud.zookeeper.discovery.ZookeeperServiceInstance;
import org.springframework.cloud.zookeeper.support.StatusConstants;

/**
 * The registered instances of every service this application looks up, held in memory and kept current by
 * ZooKeeper watches (one Curator {@link CuratorCache} per service under {@code <root>/<service>}, opened on the
 * service's first lookup). Reads never touch ZooKeeper, except the first lookup of a service while connected, which
 * waits up to {@code meshkeeper.discovery.cache-start-timeout} for the cache to load. During an outage a first lookup
 * answers at once with an empty list, and the service's cache loads when the connection returns; the service names
 * ({@link #services()}) are watched the same way.
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
    public static final String STATUS_KEY = StatusConstants.INSTANCE_STATUS_KEY;

    private static final Logger logger = LoggerFactory.getLogger(WatchedInstances.class);

    private static final Duration RESYNC_DELAY = Duration.ofSeconds(1);

    private final CuratorFramework curator;

    private final String root;

    private final InstanceSerializer<ZookeeperInstance> serializer;

    private final Duration startTimeout;

    private final Duration removalGrace;

    private final ScheduledExecutorService graceTimer;

    private final Map<String, WatchedService> services = new ConcurrentHashMap<>();

    private final List<MembershipListener> listeners = new CopyOnWriteArrayList<>();

    private final WatchedServiceNames serviceNames;

    private final BooleanSupplier connected;

    private final AtomicReference<State> state = new AtomicReference<>(State.OPEN);

    private final ConnectionStateListener resyncOnReconnect = (client, newState) -> {
        if (newState == ConnectionState.RECONNECTED) {
            CompletableFuture.delayedExecutor(RESYNC_DELAY.toMillis(), TimeUnit.MILLISECONDS).execute(this::resync);
        }
    };

    private enum State {
        OPEN, CLOSED
    }

    /**
     * @param curator the application's (started) client
     * @param root the services root, {@code spring.cloud.zookeeper.discovery.root}
     * @param serializer how registrations are read, the application's {@code InstanceSerializer}
     * @param startTimeout how long a service's first lookup waits for its cache to load
     */
    public WatchedInstances(CuratorFramework curator, String root, InstanceSerializer<ZookeeperInstance> serializer,
            Duration startTimeout) {
        this(curator, root, serializer, startTimeout, Duration.ZERO);
    }

    /**
     * @param curator the application's (started) client
     * @param root the services root, {@code spring.cloud.zookeeper.discovery.root}
     * @param serializer how registrations are read, the application's {@code InstanceSerializer}
     * @param startTimeout how long a service's first lookup waits for its cache to load
     * @param removalGrace how long the last UP instance of a service stays listed after its registration vanished;
     * {@link Duration#ZERO} removes it at once
     */
    public WatchedInstances(CuratorFramework curator, String root, InstanceSerializer<ZookeeperInstance> serializer,
            Duration startTimeout, Duration removalGrace) {
        this(curator, root, serializer, startTimeout, removalGrace, () -> curator.getZookeeperClient().isConnected(),
                startTimeout);
    }

    /**
     * @param curator the application's (started) client
     * @param root the services root, {@code spring.cloud.zookeeper.discovery.root}
     * @param serializer how registrations are read, the application's {@code InstanceSerializer}
     * @param startTimeout how long a service's first lookup waits for its cache to load while connected
     * @param removalGrace how long the last UP instance of a service stays listed after its registration vanished;
     * {@link Duration#ZERO} removes it at once
     * @param connected whether the connection is up now: while it is not, nothing waits for ZooKeeper
     * @param lookupTimeout how long the first read of the service names may be waited for
     * ({@code meshkeeper.zookeeper.operation-timeout})
     */
    public WatchedInstances(CuratorFramework curator, String root, InstanceSerializer<ZookeeperInstance> serializer,
            Duration startTimeout, Duration removalGrace, BooleanSupplier connected, Duration lookupTimeout) {
        this.curator = curator;
        this.connected = connected;
        this.root = root.startsWith("/") ? root : "/" + root;
        this.serializer = serializer;
        this.startTimeout = startTimeout;
        if (removalGrace == null || removalGrace.isNegative()) {
            throw new IllegalArgumentException("meshkeeper.discovery.removal-grace must be zero or positive but was "
                    + removalGrace + "; use e.g. 5s, or 0s to remove vanished instances at once");
        }
        this.removalGrace = removalGrace;
        this.graceTimer = removalGrace.isZero() ? null : graceTimer();
        this.serviceNames = new WatchedServiceNames(curator, this.root, connected, lookupTimeout);
        curator.getConnectionStateListenable().addListener(this.resyncOnReconnect);
    }

    private static ScheduledExecutorService graceTimer() {
        ScheduledThreadPoolExecutor timer = new ScheduledThreadPoolExecutor(1, (runnable) -> {
            Thread thread = new Thread(runnable, "meshkeeper-discovery-removal-grace");
            thread.setDaemon(true);
            return thread;
        });
        timer.setRemoveOnCancelPolicy(true);
        return timer;
    }

    /**
     * The instances of the service whose status is {@code UP} (an instance without a status counts as UP, as in
     * Spring Cloud Zookeeper). Starts watching the service on its first call.
     * @return an immutable snapshot, empty when none is registered
     */
    public List<ServiceInstance> instances(String serviceId) {
        return allInstances(serviceId).stream().filter(WatchedInstances::isUp).toList();
    }

    /**
     * Every well-formed registered instance of the service, whatever its status. Starts watching the service on its
     * first call.
     * @return an immutable snapshot, empty when none is registered
     */
    public List<ServiceInstance> allInstances(String serviceId) {
        return watch(serviceId).instances.get();
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

    /** The services whose instances are watched, i.e. those looked up at least once. */
    public List<String> watchedServices() {
        return List.copyOf(this.services.keySet());
    }

    /** Adds a listener for every watched service, present and future. */
    public void addListener(MembershipListener listener) {
        this.listeners.add(Objects.requireNonNull(listener, "listener"));
    }

    public void removeListener(MembershipListener listener) {
        this.listeners.remove(listener);
    }

    /** Whether the instance's {@link #STATUS_KEY} is UP or absent. */
    public static boolean isUp(ServiceInstance instance) {
        String status = (instance.getMetadata() != null) ? instance.getMetadata().get(STATUS_KEY) : null;
        return status == null || status.isBlank() || StatusConstants.STATUS_UP.equalsIgnoreCase(status);
    }

    /** Stops every watch. Later lookups return empty lists. */
    @Override
    public void close() {
        if (this.state.compareAndSet(State.OPEN, State.CLOSED)) {
            if (this.graceTimer != null) {
                this.graceTimer.shutdownNow();
            }
            this.curator.getConnectionStateListenable().removeListener(this.resyncOnReconnect);
            this.serviceNames.close();
            this.services.values().forEach(WatchedService::close);
            this.services.clear();
        }
    }

    private WatchedService watch(String serviceId) {
        if (this.state.get() == State.CLOSED) {
            return WatchedService.EMPTY;
        }
        WatchedService service = this.services.computeIfAbsent(serviceId, this::open);
        service.awaitLoaded(this.startTimeout, this.connected);
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
            try {
                this.curator.getChildren().inBackground((client, children) -> {
                    if (children.getResultCode() != KeeperException.Code.OK.intValue()) {
                        return;
                    }
                    for (String child : children.getChildren()) {
                        String path = ZKPaths.makePath(service.path, child);
                        client.getData().inBackground((c, data) -> {
                            if (data.getResultCode() == KeeperException.Code.OK.intValue()
                                    && this.state.get() == State.OPEN) {
                                changed(service, CuratorCacheListener.Type.NODE_CHANGED, null,
                                        new ChildData(path, data.getStat(), data.getData()));
                            }
                        }).forPath(path);
                    }
                }).forPath(service.path);
            }
            catch (Exception ex) {
                logger.debug("Could not read the instances of " + service.serviceId + " again", ex);
            }
        }
    }

    private WatchedService open(String serviceId) {
        String path = ZKPaths.makePath(this.root, serviceId);
        WatchedService service = new WatchedService(serviceId, path, CuratorCache.build(this.curator, path));
        service.cache.listenable().addListener(CuratorCacheListener.builder()
                .forAll((type, oldData, data) -> changed(service, type, oldData, data))
                .forInitialized(() -> {
                    service.loaded();
                    notifyListeners(serviceId, service.instances.get());
                }).build());
        service.cache.start();
        logger.debug("Watching instances of " + serviceId + " under " + path);
        return service;
    }

    private void changed(WatchedService service, CuratorCacheListener.Type type, ChildData oldData, ChildData data) {
        ChildData node = (data != null) ? data : oldData;
        if (node == null || !service.path.equals(ZKPaths.getPathAndNode(node.getPath()).getPath())) {
            return;
        }
        String id = ZKPaths.getNodeFromPath(node.getPath());
        boolean lingered = false;
        synchronized (service) {
            if (type == CuratorCacheListener.Type.NODE_DELETED) {
                ServiceInstance removed = service.byId.remove(id);
                service.lingering.remove(id);
                service.warned.remove(node.getPath());
                if (removed != null && isUp(removed) && this.graceTimer != null && !hasUpInstance(service)) {
                    linger(service, id, removed);
                    lingered = true;
                }
            }
            else {
                service.lingering.remove(id);
                ServiceInstance instance = read(service, node);
                if (instance != null) {
                    service.byId.put(id, instance);
                }
                else {
                    service.byId.remove(id);
                }
                if (!service.lingering.isEmpty() && hasUpInstance(service)) {
                    // Someone is there to take the calls: the grace of the vanished instances ends now.
                    service.lingering.keySet().forEach(service.byId::remove);
                    service.lingering.clear();
                }
            }
            publish(service);
        }
        if (service.isLoaded() && !lingered) {
            notifyListeners(service);
        }
    }

    /** Keeps a vanished last UP instance listed for the removal grace. Called holding the service's lock. */
    private void linger(WatchedService service, String id, ServiceInstance vanished) {
        service.byId.put(id, vanished);
        service.lingering.put(id, vanished);
        logger.debug("The registration of " + id + ", the last UP instance of " + service.serviceId
                + ", vanished; keeping it listed for " + this.removalGrace
                + " (meshkeeper.discovery.removal-grace) in case it registers again");
        try {
            this.graceTimer.schedule(() -> endGrace(service, id, vanished), this.removalGrace.toMillis(),
                    TimeUnit.MILLISECONDS);
        }
        catch (RejectedExecutionException ex) {
            // Closed meanwhile: nothing is listed any more.
        }
    }

    private void endGrace(WatchedService service, String id, ServiceInstance vanished) {
        synchronized (service) {
            if (!service.lingering.remove(id, vanished)) {
                return;
            }
            service.byId.remove(id, vanished);
            publish(service);
        }
        logger.info("Instance " + id + " of " + service.serviceId + " did not register again within "
                + this.removalGrace + " (meshkeeper.discovery.removal-grace); removed");
        notifyListeners(service);
    }

    /** Whether the service has an UP instance whose registration exists. Called holding the service's lock. */
    private static boolean hasUpInstance(WatchedService service) {
        return service.byId.entrySet().stream()
                .anyMatch(entry -> !service.lingering.containsKey(entry.getKey()) && isUp(entry.getValue()));
    }

    private static void publish(WatchedService service) {
        List<ServiceInstance> snapshot = new ArrayList<>(service.byId.values());
        snapshot.sort((a, b) -> a.getInstanceId().compareTo(b.getInstanceId()));
        service.instances.set(Collections.unmodifiableList(snapshot));
    }

    /**
     * Tells the listeners the list published last, not the one this thread published: the cache's thread and the
     * grace timer may publish one after the other and notify in the opposite order, and the last word must be the
     * current list.
     */
    private void notifyListeners(WatchedService service) {
        notifyListeners(service.serviceId, service.instances.get());
    }

    private ServiceInstance read(WatchedService service, ChildData node) {
        String problem;
        try {
            byte[] bytes = node.getData();
            if (bytes == null || bytes.length == 0) {
                problem = "it is empty";
            }
            else {
                org.apache.curator.x.discovery.ServiceInstance<ZookeeperInstance> instance = this.serializer
                        .deserialize(bytes);
                problem = problemWith(instance);
                if (problem == null) {
                    service.warned.remove(node.getPath());
                    return new ZookeeperServiceInstance(service.serviceId, instance);
                }
            }
        }
        catch (Exception ex) {
            problem = "it is not a Spring Cloud Zookeeper registration (" + ex.getClass().getSimpleName() + ": "
                    + firstLine(ex.getMessage()) + ")";
        }
        if (!problem.equals(service.warned.put(node.getPath(), problem))) {
            logger.warn("Skipping the registration at " + node.getPath() + ": " + problem
                    + ". Other instances are unaffected; rewrite or delete that node to fix it.");
        }
        return null;
    }

    private static String problemWith(org.apache.curator.x.discovery.ServiceInstance<ZookeeperInstance> instance) {
        if (instance.getId() == null || instance.getId().isBlank()) {
            return "it has no id";
        }
        if (instance.getAddress() == null || instance.getAddress().isBlank()) {
            return "it has no address";
        }
        if (instance.getPort() == null && instance.getSslPort() == null) {
            return "it has no port";
        }
        try {
            instance.buildUriSpec();
        }
        catch (RuntimeException ex) {
            return "its uriSpec cannot be built (" + firstLine(ex.getMessage()) + ")";
        }
        return null;
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "no detail";
        }
        int newline = message.indexOf('\n');
        return (newline < 0) ? message : message.substring(0, newline);
    }

    private void notifyListeners(String serviceId, List<ServiceInstance> instances) {
        for (MembershipListener listener : this.listeners) {
            try {
                listener.membershipChanged(serviceId, instances);
            }
            catch (RuntimeException ex) {
                logger.warn("Membership listener " + listener + " failed for service " + serviceId, ex);
            }
        }
    }

    /** One watched service: its cache and the instances read from it. */
    private static final class WatchedService {

        static final WatchedService EMPTY = new WatchedService("", "", null);

        /** How often a first lookup that waits checks that the connection is still up. */
        private static final long LOAD_SLICE_NANOS = TimeUnit.MILLISECONDS.toNanos(50);

        final String serviceId;

        final String path;

        final CuratorCache cache;

        final Map<String, ServiceInstance> byId = new ConcurrentHashMap<>();

        final Map<String, String> warned = new ConcurrentHashMap<>();

        /** Vanished instances listed for the removal grace, by id. */
        final Map<String, ServiceInstance> lingering = new ConcurrentHashMap<>();

        final AtomicReference<List<ServiceInstance>> instances = new AtomicReference<>(List.of());

        final CountDownLatch loaded;

        final AtomicReference<Boolean> gaveUpWaiting = new AtomicReference<>(false);

        WatchedService(String serviceId, String path, CuratorCache cache) {
            this.serviceId = serviceId;
            this.path = path;
            this.cache = cache;
            this.loaded = new CountDownLatch((cache != null) ? 1 : 0);
        }

        void loaded() {
            this.loaded.countDown();
        }

        boolean isLoaded() {
            return this.loaded.getCount() == 0;
        }

        /**
         * Waits for the first load while connected, at most {@code timeout}; during an outage it returns at once (the
         * cache loads when the connection returns, and a later lookup waits again if it is still not loaded).
         */
        void awaitLoaded(Duration timeout, BooleanSupplier connected) {
            if (isLoaded() || this.gaveUpWaiting.get()) {
                return;
            }
            long deadline = System.nanoTime() + timeout.toNanos();
            try {
                while (connected.getAsBoolean() && !this.loaded.await(Math.min(LOAD_SLICE_NANOS,
                        Math.max(0, deadline - System.nanoTime())), TimeUnit.NANOSECONDS)) {
                    if (System.nanoTime() - deadline >= 0) {
                        break;
                    }
                }
                if (!isLoaded() && connected.getAsBoolean() && System.nanoTime() - deadline >= 0
                        && this.gaveUpWaiting.compareAndSet(false, true)) {
                    logger.warn("The instances of " + this.serviceId + " under " + this.path
                            + " did not load within " + timeout + " (is ZooKeeper reachable?); returning what is "
                            + "known so far. Raise meshkeeper.discovery.cache-start-timeout if ZooKeeper is slow.");
                }
            }
            catch (InterruptedException ex) {
                Thread.currentThread().interrupt();
            }
        }

        void close() {
            if (this.cache != null) {
                this.cache.close();
            }
        }
    }
}
