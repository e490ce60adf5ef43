package dev.meshkeeper.registry.api;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.curator.framework.CuratorFramework;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.data.Stat;

/**
 * Reads config contexts as they are in ZooKeeper: the znodes under {@code /config/{context}} in Spring Cloud
 * Zookeeper's layout (nested znodes or dotted names) and the context's version from its bookkeeping znode under
 * {@code /meshkeeper/config/{context}}. Each read is one walk of the context; the znode versions it records let a
 * later transaction detect any writer that came in between.
 */
final class ConfigTree {

    private final CuratorFramework curator;

    private final ConfigApiProperties properties;

    ConfigTree(CuratorFramework curator, ConfigApiProperties properties) {
        this.curator = curator;
        this.properties = properties;
    }

    /** The names of every context under the config root, sorted; empty when the root does not exist. */
    List<String> contextNames() throws Exception {
        if (this.curator.checkExists().forPath(this.properties.getRoot()) == null) {
            return List.of();
        }
        List<String> names = new ArrayList<>(this.curator.getChildren().forPath(this.properties.getRoot()));
        names.sort(Comparator.naturalOrder());
        return names;
    }

    /** The context's znodes, keys and version as they are now; {@link Snapshot#exists()} is false for neither. */
    Snapshot snapshot(String context) throws Exception {
        String contextPath = contextPath(context);
        Map<String, Node> nodes = new LinkedHashMap<>();
        Map<String, Node> entries = new TreeMap<>();
        Stat contextStat = this.curator.checkExists().forPath(contextPath);
        if (contextStat != null) {
            walk(contextPath, contextPath, nodes, entries);
        }
        long version = 0;
        int bookkeepingZkVersion = -1;
        Stat stat = new Stat();
        try {
            byte[] data = this.curator.getData().storingStatIn(stat).forPath(bookkeepingPath(context));
            version = Long.parseLong(new String(data, StandardCharsets.UTF_8).trim());
            bookkeepingZkVersion = stat.getVersion();
        }
        catch (KeeperException.NoNodeException ex) {
            // never changed through this API
        }
        return new Snapshot(context, contextPath, contextStat != null || bookkeepingZkVersion >= 0, version,
                bookkeepingZkVersion, nodes, entries);
    }

    private void walk(String contextPath, String path, Map<String, Node> nodes, Map<String, Node> entries)
            throws Exception {
        List<String> children;
        try {
            children = this.curator.getChildren().forPath(path);
        }
        catch (KeeperException.NoNodeException ex) {
            return;
        }
        for (String child : children) {
            String childPath = path + "/" + child;
            Stat stat = new Stat();
            byte[] data;
            try {
                data = this.curator.getData().storingStatIn(stat).forPath(childPath);
            }
            catch (KeeperException.NoNodeException ex) {
                continue;
            }
            List<String> grandChildren = this.curator.getChildren().forPath(childPath);
            String value = (data != null) ? new String(data, StandardCharsets.UTF_8) : "";
            List<String> childPaths = grandChildren.stream().map((name) -> childPath + "/" + name).toList();
            Node node = new Node(childPath, value, stat.getVersion(), grandChildren.size(), childPaths);
            nodes.put(childPath, node);
            // Spring Cloud Zookeeper's rule: a value, or an empty leaf, is a key; an empty parent is not.
            if (!value.isEmpty() || grandChildren.isEmpty()) {
                entries.put(childPath.substring(contextPath.length() + 1).replace('/', '.'), node);
            }
            walk(contextPath, childPath, nodes, entries);
        }
    }

    String contextPath(String context) {
        return this.properties.getRoot() + "/" + context;
    }

    String bookkeepingPath(String context) {
        return this.properties.getBookkeepingRoot() + "/" + context;
    }

    String historyPath(String context) {
        return bookkeepingPath(context) + "/history";
    }

    static String parentOf(String path) {
        int slash = path.lastIndexOf('/');
        return (slash <= 0) ? "" : path.substring(0, slash);
    }

    /** One znode of a context as read: its value, znode version and children. */
    record Node(String path, String value, int zkVersion, int children, List<String> childPaths) {
    }

    /**
     * A context as read at one moment: every znode under it ({@code nodes}, by path), the znodes that are keys
     * ({@code entries}, by dotted key), its version and the znode version of its bookkeeping znode (-1 when the
     * context was never changed through the API).
     */
    record Snapshot(String context, String path, boolean exists, long version, int bookkeepingZkVersion,
            Map<String, Node> nodes, Map<String, Node> entries) {

        Map<String, String> values() {
            Map<String, String> values = new TreeMap<>();
            this.entries.forEach((key, node) -> values.put(key, node.value()));
            return values;
        }
    }
}
