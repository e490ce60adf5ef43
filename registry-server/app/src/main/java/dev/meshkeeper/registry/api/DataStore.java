package dev.meshkeeper.registry.api;

import static dev.meshkeeper.registry.api.DataProblems.entryNotFound;
import static dev.meshkeeper.registry.api.DataProblems.keptChanging;
import static dev.meshkeeper.registry.api.DataProblems.notFound;
import static dev.meshkeeper.registry.api.DataProblems.what;
import static dev.meshkeeper.registry.api.DataTree.fingerprint;
import static dev.meshkeeper.registry.api.DataTree.readPath;
import static dev.meshkeeper.registry.api.DataValidation.checkKind;
import static dev.meshkeeper.registry.api.DataValidation.kindConflict;
import static dev.meshkeeper.registry.api.DataValidation.validate;

import dev.meshkeeper.registry.api.DataJson.Decoded;
import dev.meshkeeper.registry.api.DataTree.Node;
import dev.meshkeeper.registry.api.DataView.EntryItem;
import dev.meshkeeper.registry.api.DataView.EntryView;
import dev.meshkeeper.registry.api.DataView.MapView;
import dev.meshkeeper.registry.api.DataView.Summary;
import dev.meshkeeper.registry.api.DataView.ValueView;
import dev.meshkeeper.registry.api.DataView.Written;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.api.transaction.CuratorOp;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.data.ACL;
import org.apache.zookeeper.data.Stat;
import org.springframework.http.HttpStatus;
import tools.jackson.databind.JsonNode;

/**
 * Reads and changes the applications' shared data in its ZooKeeper layout: a value or counter at
 * {@code {root}/{name}} whose data is exactly its JSON (a counter's is a bare integer), a map at {@code {root}/{name}}
 * (data {@code {"kind":"map"}}) with one child per entry holding the entry's JSON. The znode version is the
 * compare-and-set version the applications use too.
 * <p>
 * Every write is one compare-and-set on the version just read (or on the caller's {@code If-Match}), so a concurrent
 * application write is never overwritten unseen: with a precondition the caller gets 412, without one the write is
 * re-read and retried.
 */
final class DataStore {

    private static final int ATTEMPTS = 5;

    private final CuratorFramework curator;

    private final DataApiProperties properties;

    private final DataJson json;

    private final DataTree tree;

    private final long maxTransactionBytes;

    DataStore(CuratorFramework curator, DataApiProperties properties, DataJson json, long juteMaxBuffer) {
        this.curator = curator;
        this.tree = new DataTree(curator, properties);
        this.properties = properties;
        this.json = json;
        this.maxTransactionBytes = juteMaxBuffer - 16 * 1024;
    }

    /** Every name under the root with its kind; {@code entries} counts a map's entries and is 1 otherwise. */
    List<Summary> list() throws Exception {
        List<Summary> names = new ArrayList<>();
        for (Map.Entry<String, Node> node : this.tree.children(this.tree.root()).entrySet()) {
            DataKind kind = this.json.decode(node.getValue().data()).kind();
            names.add(new Summary(node.getKey(), kind.label(),
                    (kind == DataKind.MAP) ? node.getValue().stat().getNumChildren() : 1));
        }
        return names;
    }

    /** A value or counter, or a map with all its entries. */
    DataView read(String name) throws Exception {
        validate(name, "name");
        Node node = this.tree.node(this.tree.path(name));
        if (node == null) {
            throw notFound(name);
        }
        Decoded decoded = this.json.decode(node.data());
        if (decoded.kind() != DataKind.MAP) {
            return valueView(name, decoded, node.stat().getVersion());
        }
        Map<String, Node> children = this.tree.children(this.tree.path(name));
        List<EntryView> entries = new ArrayList<>();
        children.forEach((key, entry) -> {
            Decoded value = this.json.decode(entry.data());
            entries.add(new EntryView(key, entry.stat().getVersion(), value.value(), value.problem()));
        });
        return new MapView(name, this.tree.path(name), DataKind.MAP.label(), entries,
                fingerprint(node.stat(), children));
    }

    /** One entry of a map. */
    EntryItem readEntry(String name, String key) throws Exception {
        validate(name, "name");
        validate(key, "key");
        requireMap(name, this.tree.node(this.tree.path(name)), false);
        Node entry = this.tree.node(this.tree.path(name, key));
        if (entry == null) {
            throw entryNotFound(name, key);
        }
        Decoded value = this.json.decode(entry.data());
        return new EntryItem(name, key, this.tree.path(name, key), entry.stat().getVersion(), value.value(),
                value.problem());
    }

    /** Sets a value or counter, creating it when missing; a bare integer is a counter, anything else a value. */
    Written<ValueView> put(String name, JsonNode value, DataPrecondition precondition) throws Exception {
        validate(name, "name");
        byte[] data = DataValidation.encode(this.json, value, what(name), this.properties.getMaxValueSize().toBytes());
        if (DataKind.isMapMarker(value)) {
            throw AdminApiException.badRequest("body", "{\"kind\":\"map\"} marks a map in the shared data layout and "
                    + "cannot be stored as a value; wrap it, e.g. {\"value\":{\"kind\":\"map\"}}");
        }
        DataKind kind = DataKind.of(value);
        String path = this.tree.path(name);
        for (int attempt = 1; attempt <= ATTEMPTS; attempt++) {
            Node node = this.tree.node(path);
            if (node == null) {
                precondition.check(what(name), readPath(name), null);
                try {
                    this.curator.createContainers(this.tree.root());
                    this.curator.create().forPath(path, data);
                    return new Written<>(valueView(name, new Decoded(value, kind, null), 0), true);
                }
                catch (KeeperException.NodeExistsException ex) {
                    continue;
                }
            }
            DataKind current = this.json.decode(node.data()).kind();
            checkKind(name, current, kind);
            precondition.check(what(name), readPath(name), (long) node.stat().getVersion());
            try {
                Stat stat = this.curator.setData().withVersion(node.stat().getVersion()).forPath(path, data);
                return new Written<>(valueView(name, new Decoded(value, kind, null), stat.getVersion()), false);
            }
            catch (KeeperException.BadVersionException | KeeperException.NoNodeException ex) {
                // changed or deleted meanwhile: the next attempt reads it again and checks the precondition
            }
        }
        throw keptChanging(what(name));
    }

    /** Sets one entry of a map, creating the entry (and the map) when missing. */
    Written<EntryItem> putEntry(String name, String key, JsonNode value, DataPrecondition precondition)
            throws Exception {
        validate(name, "name");
        validate(key, "key");
        byte[] data = DataValidation.encode(this.json, value, what(name, key),
                this.properties.getMaxValueSize().toBytes());
        String mapPath = this.tree.path(name);
        String path = this.tree.path(name, key);
        for (int attempt = 1; attempt <= ATTEMPTS; attempt++) {
            Node map = this.tree.node(mapPath);
            Node entry = requireMap(name, map, true) ? this.tree.node(path) : null;
            Long version = (entry != null) ? (long) entry.stat().getVersion() : null;
            precondition.check(what(name, key), readPath(name) + "/" + key, version);
            try {
                if (map == null) {
                    this.curator.createContainers(this.tree.root());
                    this.curator.transaction().forOperations(
                            this.curator.transactionOp().create().forPath(mapPath, DataJson.MAP_MARKER),
                            this.curator.transactionOp().create().forPath(path, data));
                }
                else if (entry == null) {
                    if (map.stat().getNumChildren() >= this.properties.getMaxEntries()) {
                        throw new AdminApiException(HttpStatus.CONFLICT, "Too many entries", "map '" + name
                                + "' has " + map.stat().getNumChildren() + " entries, the most a map may hold "
                                + "(meshkeeper.registry.data.max-entries); remove entries before adding '" + key
                                + "'", null);
                    }
                    // The entry belongs to whoever owns the map, as if the owning application had written it.
                    List<ACL> acl = this.curator.getACL().forPath(mapPath);
                    this.curator.create().withACL(acl).forPath(path, data);
                }
                else {
                    Stat stat = this.curator.setData().withVersion(entry.stat().getVersion()).forPath(path, data);
                    return new Written<>(entryItem(name, key, value, stat.getVersion()), false);
                }
                return new Written<>(entryItem(name, key, value, 0), true);
            }
            catch (KeeperException.BadVersionException | KeeperException.NoNodeException
                    | KeeperException.NodeExistsException ex) {
                // changed meanwhile: the next attempt reads it again and checks the precondition
            }
        }
        throw keptChanging(what(name, key));
    }

    /** Deletes a value or counter, or a map with all its entries in one transaction. */
    DataKind delete(String name, DataPrecondition precondition) throws Exception {
        validate(name, "name");
        String path = this.tree.path(name);
        for (int attempt = 1; attempt <= ATTEMPTS; attempt++) {
            Node node = this.tree.node(path);
            if (node == null) {
                throw notFound(name);
            }
            DataKind kind = this.json.decode(node.data()).kind();
            try {
                if (kind != DataKind.MAP) {
                    precondition.check(what(name), readPath(name), (long) node.stat().getVersion());
                    this.curator.delete().withVersion(node.stat().getVersion()).forPath(path);
                    return kind;
                }
                Map<String, Node> entries = this.tree.children(path);
                precondition.check("map '" + name + "' (its ETag is the zxid of its latest change)", readPath(name),
                        fingerprint(node.stat(), entries));
                List<CuratorOp> ops = new ArrayList<>();
                long bytes = 0;
                for (Map.Entry<String, Node> entry : entries.entrySet()) {
                    ops.add(this.curator.transactionOp().delete().withVersion(entry.getValue().stat().getVersion())
                            .forPath(this.tree.path(name, entry.getKey())));
                    bytes += this.tree.path(name, entry.getKey()).length() + 32;
                }
                if (bytes > this.maxTransactionBytes) {
                    throw AdminApiException.badRequest("name", "map '" + name + "' has too many entries ("
                            + entries.size() + ") to delete in one ZooKeeper transaction; delete some of its "
                            + "entries first (DELETE " + readPath(name) + "/{key})");
                }
                ops.add(this.curator.transactionOp().delete().withVersion(node.stat().getVersion()).forPath(path));
                this.curator.transaction().forOperations(ops);
                return kind;
            }
            catch (KeeperException.BadVersionException | KeeperException.NoNodeException
                    | KeeperException.NotEmptyException ex) {
                // changed meanwhile: the next attempt reads it again and checks the precondition
            }
        }
        throw keptChanging(what(name));
    }

    /** Deletes one entry of a map; the map stays, possibly empty. */
    void deleteEntry(String name, String key, DataPrecondition precondition) throws Exception {
        validate(name, "name");
        validate(key, "key");
        String path = this.tree.path(name, key);
        for (int attempt = 1; attempt <= ATTEMPTS; attempt++) {
            requireMap(name, this.tree.node(this.tree.path(name)), false);
            Node entry = this.tree.node(path);
            if (entry == null) {
                throw entryNotFound(name, key);
            }
            precondition.check(what(name, key), readPath(name) + "/" + key, (long) entry.stat().getVersion());
            try {
                this.curator.delete().withVersion(entry.stat().getVersion()).forPath(path);
                return;
            }
            catch (KeeperException.BadVersionException | KeeperException.NoNodeException ex) {
                // changed meanwhile: the next attempt reads it again and checks the precondition
            }
        }
        throw keptChanging(what(name, key));
    }

    /**
     * Whether {@code map} is a map (false when it does not exist and {@code mayBeMissing}).
     * @throws AdminApiException 404 when missing (and not allowed to be), 409 when it is a value or counter
     */
    private boolean requireMap(String name, Node map, boolean mayBeMissing) {
        if (map == null) {
            if (mayBeMissing) {
                return false;
            }
            throw notFound(name);
        }
        DataKind kind = this.json.decode(map.data()).kind();
        if (kind != DataKind.MAP) {
            throw kindConflict("data '" + name + "' is a " + kind.label() + ", not a map: it has no entries; write "
                    + "the whole " + kind.label() + " with PUT " + readPath(name)
                    + ", or delete it first to make a map");
        }
        return true;
    }

    private ValueView valueView(String name, Decoded decoded, int version) {
        return new ValueView(name, this.tree.path(name), decoded.kind().label(), version, decoded.value(),
                decoded.problem());
    }

    private EntryItem entryItem(String name, String key, JsonNode value, int version) {
        return new EntryItem(name, key, this.tree.path(name, key), version, value, null);
    }
}
