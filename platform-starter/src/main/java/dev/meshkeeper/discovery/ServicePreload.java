package dev.meshkeeper.discovery;

import java.util.ArrayDeque;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Queue;
import java.util.Set;
import java.util.function.Function;

/**
 * {@code meshkeeper.discovery.preload-services}: opens the watched caches of the named services (or, with
 * {@value #EVERY_SERVICE}, of every service registered under the root, now and later) in the background, so that
 * their first lookup finds them loaded instead of waiting for ZooKeeper's round trips. At most
 * {@value #CONCURRENT_LOADS} caches load at a time, so a registry with thousands of services is read in a steady
 * stream, not in one burst. A service looked up before its turn opens at once, as without preloading; a preloaded
 * service is then watched like any looked-up one (until the application closes).
 */
final class ServicePreload {

    /** The entry that preloads every registered service. */
    static final String EVERY_SERVICE = "*";

    /** How many preloaded caches may load at the same time. */
    static final int CONCURRENT_LOADS = 16;

    private final Set<String> named;

    private final boolean everyService;

    /** Opens (or finds) a service's watched cache. */
    private final Function<String, WatchedService> open;

    private final Queue<String> waiting = new ArrayDeque<>();

    private final Set<String> seen = new HashSet<>();

    private int loading;

    private boolean closed;

    ServicePreload(Collection<String> services, Function<String, WatchedService> open) {
        this.everyService = services.contains(EVERY_SERVICE);
        this.named = new HashSet<>(services);
        this.named.remove(EVERY_SERVICE);
        this.named.removeIf((name) -> name == null || name.isBlank());
        this.open = open;
    }

    /** Whether anything is preloaded: named services, or every service (the service names must then be followed). */
    boolean isActive() {
        return this.everyService || !this.named.isEmpty();
    }

    /** Starts loading the named services. */
    void start() {
        offer(this.named);
    }

    /** The services registered under the root now: with {@value #EVERY_SERVICE}, those not seen yet are loaded. */
    void registered(List<String> services) {
        if (this.everyService) {
            offer(services);
        }
    }

    void close() {
        synchronized (this) {
            this.closed = true;
            this.waiting.clear();
        }
    }

    private void offer(Collection<String> services) {
        synchronized (this) {
            for (String service : services) {
                if (this.seen.add(service)) {
                    this.waiting.add(service);
                }
            }
        }
        next();
    }

    private void next() {
        while (true) {
            String service;
            synchronized (this) {
                if (this.closed || this.loading >= CONCURRENT_LOADS || this.waiting.isEmpty()) {
                    return;
                }
                service = this.waiting.poll();
                this.loading++;
            }
            // Opened outside the lock: the cache's first load may complete on another thread at any time.
            if (!this.open.apply(service).whenLoaded(this::loaded)) {
                synchronized (this) {
                    this.loading--;
                }
            }
        }
    }

    private void loaded() {
        synchronized (this) {
            this.loading--;
        }
        next();
    }
}
