package dev.meshkeeper.discovery;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.recipes.cache.ChildData;
import org.apache.curator.framework.recipes.cache.CuratorCache;
import org.apache.curator.framework.recipes.cache.CuratorCacheListener;
import org.apache.curator.framework.recipes.cache.CuratorCacheStorage;
import org.apache.curator.utils.ZKPaths;
import org.apache.zookeeper.KeeperException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.cloud.client.ServiceInstance;

/**
 * One watched service: its cache, the instances read from it and the immutable snapshot lookups return. Changes
 * to {@link #byId} and {@link #lingering} are made holding this object's lock and end with {@link #publish()}.
 */
final class WatchedService {

    static final WatchedService EMPTY = new WatchedService("", "", null);

    private static final Logger logger = LoggerFactory.getLogger(WatchedInstances.class);

    /** How often a first lookup that waits checks that the connection is still up. */
    private static final long LOAD_SLICE_NANOS = TimeUnit.MILLISECONDS.toNanos(50);

    final String serviceId;

    final String path;

    final CuratorCache cache;

    final Map<String, ServiceInstance> byId = new ConcurrentHashMap<>();

    /** Vanished instances listed for the removal grace, by id. */
    final Map<String, ServiceInstance> lingering = new ConcurrentHashMap<>();

    private final AtomicReference<List<ServiceInstance>> instances = new AtomicReference<>(List.of());

    private final CompletableFuture<Void> loaded = new CompletableFuture<>();

    private final AtomicBoolean gaveUpWaiting = new AtomicBoolean();

    WatchedService(String serviceId, String path, CuratorCache cache) {
        this.serviceId = serviceId;
        this.path = path;
        this.cache = cache;
        if (cache == null) {
            this.loaded.complete(null);
        }
    }

    /**
     * Opens the watched cache of a service: {@code changes} reads every node it reports, and {@code listeners} hear of
     * the service once it has loaded. The cache starts loading in the background.
     */
    static WatchedService open(CuratorFramework curator, String serviceId, String path, RegistrationChanges changes,
            MembershipListeners listeners) {
        WatchedService service = new WatchedService(serviceId, path, CuratorCache.builder(curator, path)
                // The listener reads each node into its compact form: the cache need not keep the bytes too.
                .withStorage(CuratorCacheStorage.dataNotCached()).build());
        service.cache.listenable().addListener(CuratorCacheListener.builder()
                .forAll((type, oldData, data) -> changes.apply(service, type, oldData, data))
                .forInitialized(() -> {
                    service.loaded();
                    listeners.changed(service);
                }).build());
        service.cache.start();
        logger.debug("Watching instances of " + serviceId + " under " + path);
        return service;
    }

    /** The list published last. */
    List<ServiceInstance> instances() {
        return this.instances.get();
    }

    /** Publishes the current instances, sorted by id, as the snapshot lookups return. Called holding the lock. */
    void publish() {
        List<ServiceInstance> snapshot = new ArrayList<>(this.byId.values());
        snapshot.sort((a, b) -> a.getInstanceId().compareTo(b.getInstanceId()));
        this.instances.set(Collections.unmodifiableList(snapshot));
    }

    /** Whether an UP instance whose registration exists is listed. Called holding the lock. */
    boolean hasUpInstance() {
        return this.byId.entrySet().stream().anyMatch(
                entry -> !this.lingering.containsKey(entry.getKey()) && InstanceMetadata.isUp(entry.getValue()));
    }

    void loaded() {
        this.loaded.complete(null);
    }

    boolean isLoaded() {
        return this.loaded.isDone();
    }

    /**
     * Runs {@code then} once the first load completed, on the thread that completes it.
     * @return {@code false} when the service is loaded already ({@code then} is not run)
     */
    boolean whenLoaded(Runnable then) {
        if (isLoaded()) {
            return false;
        }
        this.loaded.thenRun(then);
        return true;
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
            while (connected.getAsBoolean() && !awaitLoaded(Math.min(LOAD_SLICE_NANOS,
                    Math.max(0, deadline - System.nanoTime())))) {
                if (System.nanoTime() - deadline >= 0) {
                    break;
                }
            }
            if (!isLoaded() && connected.getAsBoolean() && System.nanoTime() - deadline >= 0
                    && this.gaveUpWaiting.compareAndSet(false, true)) {
                logger.warn("The instances of " + this.serviceId + " under " + this.path + " did not load within "
                        + timeout + " (is ZooKeeper reachable?); returning what is known so far. Raise "
                        + "meshkeeper.discovery.cache-start-timeout if ZooKeeper is slow.");
            }
        }
        catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
        }
    }

    private boolean awaitLoaded(long nanos) throws InterruptedException {
        try {
            this.loaded.get(nanos, TimeUnit.NANOSECONDS);
            return true;
        }
        catch (TimeoutException ex) {
            return false;
        }
        catch (ExecutionException ex) {
            return true; // never completed exceptionally
        }
    }

    /**
     * Reads every registration of the service again, in the background, and hands each node read to
     * {@code read}, on Curator's event thread.
     */
    void readAgain(CuratorFramework curator, Consumer<ChildData> read) {
        try {
            curator.getChildren().inBackground((client, children) -> {
                if (children.getResultCode() != KeeperException.Code.OK.intValue()) {
                    return;
                }
                for (String child : children.getChildren()) {
                    String node = ZKPaths.makePath(this.path, child);
                    client.getData().inBackground((c, data) -> {
                        if (data.getResultCode() == KeeperException.Code.OK.intValue()) {
                            read.accept(new ChildData(node, data.getStat(), data.getData()));
                        }
                    }).forPath(node);
                }
            }).forPath(this.path);
        }
        catch (Exception ex) {
            logger.debug("Could not read the instances of " + this.serviceId + " again", ex);
        }
    }

    void close() {
        if (this.cache != null) {
            this.cache.close();
        }
    }
}
