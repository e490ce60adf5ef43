package dev.meshkeeper.registry.api;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.curator.framework.CuratorFramework;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.data.Stat;

/**
 * Reads the znodes of the shared data layout ({@code {root}/{name}[/{key}]}) with their stats, and knows their
 * paths: a missing znode reads as {@code null} (or no children), never as an error.
 */
final class DataTree {

    private static final long READ_TIMEOUT_SECONDS = 30;

    private final CuratorFramework curator;

    private final DataApiProperties properties;

    DataTree(CuratorFramework curator, DataApiProperties properties) {
        this.curator = curator;
        this.properties = properties;
    }

    /** The znode's data and stat, or {@code null} when it does not exist. */
    Node node(String path) throws Exception {
        Stat stat = new Stat();
        try {
            byte[] data = this.curator.getData().storingStatIn(stat).forPath(path);
            return new Node(data, stat);
        }
        catch (KeeperException.NoNodeException ex) {
            return null;
        }
    }

    /**
     * The children of {@code path} with data and stat, by name (sorted), read in parallel (a map may have
     * thousands); a child deleted while reading is left out.
     * @throws KeeperException.OperationTimeoutException when the reads do not all answer within 30 s
     */
    Map<String, Node> children(String path) throws Exception {
        List<String> names;
        try {
            names = this.curator.getChildren().forPath(path);
        }
        catch (KeeperException.NoNodeException ex) {
            return Map.of();
        }
        Map<String, Node> nodes = new ConcurrentHashMap<>();
        AtomicReference<KeeperException> failure = new AtomicReference<>();
        CountDownLatch done = new CountDownLatch(names.size());
        for (String child : names) {
            this.curator.getData().inBackground((client, event) -> {
                KeeperException.Code code = KeeperException.Code.get(event.getResultCode());
                if (code == KeeperException.Code.OK) {
                    nodes.put(child, new Node(event.getData(), event.getStat()));
                }
                else if (code != KeeperException.Code.NONODE) {
                    failure.compareAndSet(null, KeeperException.create(code, event.getPath()));
                }
                done.countDown();
            }).forPath(path + "/" + child);
        }
        if (!done.await(READ_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
            throw new KeeperException.OperationTimeoutException();
        }
        if (failure.get() != null) {
            throw failure.get();
        }
        return new TreeMap<>(nodes);
    }

    /** A map's ETag: the zxid of its latest change (the map node, an entry added, removed or changed). */
    static long fingerprint(Stat map, Map<String, Node> entries) {
        long zxid = Math.max(map.getMzxid(), map.getPzxid());
        for (Node entry : entries.values()) {
            zxid = Math.max(zxid, entry.stat().getMzxid());
        }
        return zxid;
    }

    String root() {
        return this.properties.getRoot();
    }

    String path(String name) {
        return root() + "/" + name;
    }

    String path(String name, String key) {
        return path(name) + "/" + key;
    }

    /** The API path of a name, for error details. */
    static String readPath(String name) {
        return "/api/v1/data/" + name;
    }

    /** One znode as read. */
    record Node(byte[] data, Stat stat) {
    }
}
