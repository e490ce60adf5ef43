package dev.meshkeeper.leader;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.recipes.cache.ChildData;
import org.apache.curator.framework.recipes.cache.CuratorCache;
import org.apache.curator.framework.recipes.locks.LockInternals;
import org.apache.curator.framework.recipes.locks.StandardLockInternalsDriver;
import org.apache.curator.utils.ZKPaths;

/**
 * A watched copy of one leader group's latch nodes (a Curator {@link CuratorCache} on the group's path), so that
 * the current leader is answered from memory. While ZooKeeper is away the copy keeps what it saw last; the cache
 * catches up by itself once the connection is back.
 */
final class LatchNodes implements AutoCloseable {

    /** The name Curator's {@code LeaderLatch} gives its sequential nodes. */
    private static final String LATCH_NODE_NAME = "latch-";

    private final String path;

    private final CuratorCache cache;

    LatchNodes(CuratorFramework curator, String path) {
        this.path = path;
        this.cache = CuratorCache.build(curator, path);
    }

    void start() {
        this.cache.start();
    }

    /**
     * The data of the lowest latch node, as Curator's {@code LeaderLatch} orders them: the instance id of the
     * member the latch makes leader. Empty while no latch node is known.
     */
    Optional<String> leader() {
        Map<String, ChildData> nodes = new HashMap<>();
        this.cache.stream().filter(node -> this.path.equals(ZKPaths.getPathAndNode(node.getPath()).getPath()))
                .forEach(node -> nodes.put(ZKPaths.getNodeFromPath(node.getPath()), node));
        List<String> sorted = LockInternals.getSortedChildren(LATCH_NODE_NAME,
                StandardLockInternalsDriver::standardFixForSorting, List.copyOf(nodes.keySet()));
        if (sorted.isEmpty()) {
            return Optional.empty();
        }
        byte[] id = nodes.get(sorted.get(0)).getData();
        return (id != null && id.length > 0) ? Optional.of(new String(id, StandardCharsets.UTF_8)) : Optional.empty();
    }

    @Override
    public void close() {
        this.cache.close();
    }
}
