package dev.meshkeeper.config;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.recipes.cache.ChildData;
import org.apache.curator.framework.recipes.cache.CuratorCache;
import org.apache.curator.framework.recipes.cache.CuratorCacheListener;

/**
 * One config context: its live property source and the Curator {@link CuratorCache} that watches it. The flags are
 * written by Curator's thread and by the refresh thread, and read by the actuator endpoint.
 */
final class WatchedContext {

    private final LiveZookeeperPropertySource source;

    private final CuratorCache cache;

    private volatile boolean initialized;

    private volatile long lastAppliedVersion = -1;

    private volatile Instant lastAppliedAt;

    WatchedContext(LiveZookeeperPropertySource source, CuratorFramework curator) {
        this.source = source;
        this.cache = CuratorCache.build(curator, source.getContext());
    }

    /**
     * Starts the watch; {@code onChange} runs on Curator's thread once the cache has read the context and after
     * every change from then on (a change before the first read is part of that read).
     */
    void start(Runnable onChange) {
        this.cache.listenable().addListener(CuratorCacheListener.builder().forAll((type, oldData, data) -> {
            if (this.initialized) {
                onChange.run();
            }
        }).forInitialized(() -> {
            this.initialized = true;
            onChange.run();
        }).build());
        this.cache.start();
    }

    void close() {
        this.cache.close();
    }

    String path() {
        return this.source.getContext();
    }

    LiveZookeeperPropertySource source() {
        return this.source;
    }

    /** Whether the cache has read the context once: before that, it holds nothing to compare with. */
    boolean isInitialized() {
        return this.initialized;
    }

    /** The context as Spring Cloud Zookeeper would load it now, from the cache. */
    Map<String, String> read() {
        return ContextKeys.valuesOf(path(), nodes());
    }

    /** Puts {@code values} into the property source and notes the version of the context they came from. */
    void apply(Map<String, String> values, Instant now) {
        this.source.replace(values);
        this.lastAppliedVersion = ContextKeys.versionOf(nodes());
        this.lastAppliedAt = now;
    }

    /** The context as the actuator endpoint shows it. */
    Map<String, Object> describe() {
        Map<String, Object> entry = new LinkedHashMap<>();
        entry.put("context", path());
        entry.put("propertySource", this.source.getName());
        entry.put("watching", this.initialized);
        entry.put("keys", this.source.values().size());
        entry.put("lastAppliedVersion", this.lastAppliedVersion);
        entry.put("lastAppliedAt", this.lastAppliedAt);
        return entry;
    }

    private List<ChildData> nodes() {
        return this.cache.stream().toList();
    }
}
