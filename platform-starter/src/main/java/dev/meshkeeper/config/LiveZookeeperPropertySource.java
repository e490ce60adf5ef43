package dev.meshkeeper.config;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.apache.curator.framework.CuratorFramework;
import org.springframework.cloud.zookeeper.config.AbstractZookeeperPropertySource;

/**
 * Takes the place (same name, same position) of a {@code ZookeeperPropertySource} loaded at start-up, so that
 * its values can be replaced in place by the watcher. Reads are lock-free reads of an immutable snapshot.
 * Keys ZooKeeper config cannot set ({@link LocalOnlyKeys}) are held but never shown, with one WARN per key.
 */
final class LiveZookeeperPropertySource extends AbstractZookeeperPropertySource {

    private final String contextPath;

    private static final Log logger = LogFactory.getLog(LiveZookeeperPropertySource.class);

    private final Set<String> ignored = ConcurrentHashMap.newKeySet();

    private final Log log;

    private volatile Map<String, String> values;

    private volatile String[] visibleNames;

    LiveZookeeperPropertySource(String name, String context, CuratorFramework curator, Map<String, String> values) {
        this(name, context, curator, values, logger);
    }

    private LiveZookeeperPropertySource(String name, String context, CuratorFramework curator,
            Map<String, String> values, Log log) {
        super(name, curator);
        this.contextPath = context;
        this.log = log;
        replace(values);
    }

    /**
     * A live copy of a ZooKeeper property source as Spring Cloud Zookeeper loaded it; {@code log} reports ignored
     * keys (a deferred log before the logging system is up).
     */
    static LiveZookeeperPropertySource copyOf(AbstractZookeeperPropertySource loaded, Log log) {
        return new LiveZookeeperPropertySource(loaded.getName(), loaded.getContext(), loaded.getSource(),
                valuesOf(loaded), log);
    }

    /** The values {@code source} shows, as strings (a {@code null} value as the empty string). */
    static Map<String, String> valuesOf(AbstractZookeeperPropertySource source) {
        Map<String, String> values = new LinkedHashMap<>();
        for (String name : source.getPropertyNames()) {
            Object value = source.getProperty(name);
            values.put(name, (value != null) ? value.toString() : "");
        }
        return values;
    }

    @Override
    public String getContext() {
        return this.contextPath;
    }

    @Override
    public Object getProperty(String name) {
        return LocalOnlyKeys.isLocalOnly(name) ? null : this.values.get(name);
    }

    @Override
    public String[] getPropertyNames() {
        return this.visibleNames.clone();
    }

    Map<String, String> values() {
        return this.values;
    }

    /** All values of the context, those it cannot set included (the watcher compares them with ZooKeeper's). */
    void replace(Map<String, String> values) {
        this.values = Map.copyOf(values);
        this.visibleNames = this.values.keySet().stream().filter((key) -> !LocalOnlyKeys.isLocalOnly(key))
                .toArray(String[]::new);
        for (String key : this.values.keySet()) {
            if (LocalOnlyKeys.isLocalOnly(key) && this.ignored.add(key)) {
                this.log.warn("Ignoring " + key + " from ZooKeeper config context " + this.contextPath
                        + ": it can only be set in the application's own configuration (files, environment "
                        + "variables, arguments). Delete it from " + this.contextPath + " in ZooKeeper.");
            }
        }
    }
}
