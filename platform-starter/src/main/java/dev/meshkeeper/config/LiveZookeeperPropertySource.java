package dev.meshkeeper.config;

import java.util.Map;
import org.apache.curator.framework.CuratorFramework;
import org.springframework.cloud.zookeeper.config.AbstractZookeeperPropertySource;

/**
 * Takes the place (same name, same position) of a {@code ZookeeperPropertySource} loaded at start-up, so that
 * its values can be replaced in place by the watcher. Reads are lock-free reads of an immutable snapshot.
 */
final class LiveZookeeperPropertySource extends AbstractZookeeperPropertySource {

    private final String contextPath;

    private volatile Map<String, String> values;

    LiveZookeeperPropertySource(String name, String context, CuratorFramework curator, Map<String, String> values) {
        super(name, curator);
        this.contextPath = context;
        this.values = Map.copyOf(values);
    }

    @Override
    public String getContext() {
        return this.contextPath;
    }

    @Override
    public Object getProperty(String name) {
        return this.values.get(name);
    }

    @Override
    public String[] getPropertyNames() {
        return this.values.keySet().toArray(String[]::new);
    }

    Map<String, String> values() {
        return this.values;
    }

    void replace(Map<String, String> values) {
        this.values = Map.copyOf(values);
    }
}
