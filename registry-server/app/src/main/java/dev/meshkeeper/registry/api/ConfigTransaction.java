package dev.meshkeeper.registry.api;

import dev.meshkeeper.registry.api.ConfigStore.Change;
import dev.meshkeeper.registry.api.ConfigStore.KeyChange;
import dev.meshkeeper.registry.api.ConfigTree.Node;
import dev.meshkeeper.registry.api.ConfigTree.Snapshot;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.api.transaction.CuratorOp;
import org.apache.curator.framework.api.transaction.TransactionOp;
import tools.jackson.databind.json.JsonMapper;

/**
 * Builds the one ZooKeeper {@code multi()} that commits a config change: the values (each guarded by the znode
 * version read in the snapshot), the removal of parents the change leaves empty, the version bump on the
 * bookkeeping znode, the history record and the purge of history beyond
 * {@code meshkeeper.registry.config.history-limit}. Everything commits together or not at all.
 */
final class ConfigTransaction {

    private static final byte[] EMPTY = new byte[0];

    private final CuratorFramework curator;

    private final ConfigTree tree;

    private final ConfigApiProperties properties;

    private final JsonMapper json;

    private final long maxTransactionBytes;

    ConfigTransaction(CuratorFramework curator, ConfigTree tree, ConfigApiProperties properties, JsonMapper json,
            long juteMaxBuffer) {
        this.curator = curator;
        this.tree = tree;
        this.properties = properties;
        this.json = json;
        this.maxTransactionBytes = juteMaxBuffer - 16 * 1024;
    }

    /** Commits {@code change}, made against {@code snapshot}; a concurrent writer makes it fail (KeeperException). */
    void commit(String context, Snapshot snapshot, Change change) throws Exception {
        this.curator.transaction().forOperations(operations(context, snapshot, change));
    }

    List<CuratorOp> operations(String context, Snapshot snapshot, Change change) throws Exception {
        TransactionOp op = this.curator.transactionOp();
        List<CuratorOp> ops = new ArrayList<>();
        String contextPath = this.tree.contextPath(context);
        createMissing(ops, op, contextPath);
        Set<String> deletedPaths = new LinkedHashSet<>();
        for (KeyChange keyChange : change.changes()) {
            Node node = snapshot.entries().get(keyChange.key());
            if (keyChange.newValue() != null) {
                byte[] data = keyChange.newValue().getBytes(StandardCharsets.UTF_8);
                if (node != null) {
                    ops.add(op.setData().withVersion(node.zkVersion()).forPath(node.path(), data));
                }
                else {
                    ops.add(op.create().forPath(contextPath + "/" + keyChange.key(), data));
                }
            }
            else if (node.children() > 0) {
                ops.add(op.setData().withVersion(node.zkVersion()).forPath(node.path(), EMPTY));
            }
            else {
                ops.add(op.delete().withVersion(node.zkVersion()).forPath(node.path()));
                deletedPaths.add(node.path());
            }
        }
        // An emptied, childless parent would read as a key with an empty value: remove it with its last child.
        for (String parent : emptiedParents(contextPath, snapshot, deletedPaths)) {
            ops.add(op.delete().withVersion(snapshot.nodes().get(parent).zkVersion()).forPath(parent));
        }
        String bookkeeping = this.tree.bookkeepingPath(context);
        String historyPath = this.tree.historyPath(context);
        byte[] version = Long.toString(change.version()).getBytes(StandardCharsets.UTF_8);
        if (snapshot.bookkeepingZkVersion() < 0) {
            createMissing(ops, op, ConfigTree.parentOf(bookkeeping));
            ops.add(op.create().forPath(bookkeeping, version));
            ops.add(op.create().forPath(historyPath, EMPTY));
        }
        else {
            ops.add(op.setData().withVersion(snapshot.bookkeepingZkVersion()).forPath(bookkeeping, version));
        }
        ops.add(op.create().forPath(historyPath + "/" + String.format("%010d", change.version()),
                this.json.writeValueAsBytes(change)));
        if (snapshot.bookkeepingZkVersion() >= 0) {
            long oldestKept = change.version() - this.properties.getHistoryLimit() + 1;
            for (String child : this.curator.getChildren().forPath(historyPath)) {
                if (Long.parseLong(child) < oldestKept) {
                    ops.add(op.delete().forPath(historyPath + "/" + child));
                }
            }
        }
        return ops;
    }

    /** The parents (deepest first) left without value and without children once {@code deletedPaths} are gone. */
    static List<String> emptiedParents(String contextPath, Snapshot snapshot, Set<String> deletedPaths) {
        List<String> parents = new ArrayList<>();
        Set<String> gone = new LinkedHashSet<>(deletedPaths);
        boolean found = true;
        while (found) {
            found = false;
            for (String path : new ArrayList<>(gone)) {
                String parent = ConfigTree.parentOf(path);
                if (parent.equals(contextPath) || gone.contains(parent)) {
                    continue;
                }
                Node node = snapshot.nodes().get(parent);
                if (node != null && node.value().isEmpty() && gone.containsAll(node.childPaths())) {
                    gone.add(parent);
                    parents.add(parent);
                    found = true;
                }
            }
        }
        return parents;
    }

    private void createMissing(List<CuratorOp> ops, TransactionOp op, String path) throws Exception {
        List<String> missing = new ArrayList<>();
        for (String current = path; !current.isEmpty() && this.curator.checkExists().forPath(current) == null;
                current = ConfigTree.parentOf(current)) {
            missing.add(0, current);
        }
        for (String create : missing) {
            ops.add(op.create().forPath(create, EMPTY));
        }
    }

    /** One multi() is one ZooKeeper request: with its history record it must stay below jute.maxbuffer. */
    void checkSize(String context, List<KeyChange> changes) {
        long estimate = 4096;
        for (KeyChange change : changes) {
            long oldBytes = (change.oldValue() != null) ? change.oldValue().getBytes(StandardCharsets.UTF_8).length : 0;
            long newBytes = (change.newValue() != null) ? change.newValue().getBytes(StandardCharsets.UTF_8).length : 0;
            estimate += 2 * newBytes + oldBytes + 3L * change.key().length() + 128;
        }
        if (estimate > this.maxTransactionBytes) {
            throw ConfigApiException.badRequest("properties", "this change to config context '" + context + "' ("
                    + changes.size() + " keys, about " + estimate + " bytes with its history record) is larger than "
                    + "one ZooKeeper transaction may be (" + this.maxTransactionBytes + " bytes, from jute.maxbuffer); "
                    + "split it into smaller writes");
        }
    }
}
