package dev.meshkeeper.registry.api;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import dev.meshkeeper.registry.api.DataJson.Decoded;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Pattern;
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

    static final Pattern NAME = Pattern.compile("[A-Za-z0-9_-][A-Za-z0-9._-]{0,127}");

    private static final int ATTEMPTS = 5;

    private static final long READ_TIMEOUT_SECONDS = 30;

    private final CuratorFramework curator;

    private final DataApiProperties properties;

    private final DataJson json;

    private final long maxTransactionBytes;

    DataStore(CuratorFramework curator, DataApiProperties properties, DataJson json, long juteMaxBuffer) {
        this.curator = curator;
        this.properties = properties;
        this.json = json;
        this.maxTransactionBytes = juteMaxBuffer - 16 * 1024;
    }

    /** Every name under the root with its kind; {@code entries} counts a map's entries and is 1 otherwise. */
    List<Summary> list() throws Exception {
        List<Summary> names = new ArrayList<>();
        for (Map.Entry<String, Node> node : readChildren(root()).entrySet()) {
            DataKind kind = this.json.decode(node.getValue().data()).kind();
            names.add(new Summary(node.getKey(), kind.label(),
                    (kind == DataKind.MAP) ? node.getValue().stat().getNumChildren() : 1));
        }
        return names;
    }

    /** A value or counter, or a map with all its entries. */
    DataView read(String name) throws Exception {
        validate(name, "name");
        Node node = node(path(name));
        if (node == null) {
            throw notFound(name);
        }
        Decoded decoded = this.json.decode(node.data());
        if (decoded.kind() != DataKind.MAP) {
            return valueView(name, decoded, node.stat().getVersion());
        }
        Map<String, Node> children = readChildren(path(name));
        List<EntryView> entries = new ArrayList<>();
        children.forEach((key, entry) -> {
            Decoded value = this.json.decode(entry.data());
            entries.add(new EntryView(key, entry.stat().getVersion(), value.value(), value.problem()));
        });
        return new MapView(name, path(name), DataKind.MAP.label(), entries, fingerprint(node.stat(), children));
    }

    /** One entry of a map. */
    EntryItem readEntry(String name, String key) throws Exception {
        validate(name, "name");
        validate(key, "key");
        requireMap(name, node(path(name)), false);
        Node entry = node(path(name, key));
        if (entry == null) {
            throw entryNotFound(name, key);
        }
        Decoded value = this.json.decode(entry.data());
        return new EntryItem(name, key, path(name, key), entry.stat().getVersion(), value.value(), value.problem());
    }

    /** Sets a value or counter, creating it when missing; a bare integer is a counter, anything else a value. */
    Written<ValueView> put(String name, JsonNode value, DataPrecondition precondition) throws Exception {
        validate(name, "name");
        byte[] data = encode(value, "data '" + name + "'");
        if (DataKind.isMapMarker(value)) {
            throw AdminApiException.badRequest("body", "{\"kind\":\"map\"} marks a map in the shared data layout and "
                    + "cannot be stored as a value; wrap it, e.g. {\"value\":{\"kind\":\"map\"}}");
        }
        DataKind kind = DataKind.of(value);
        String path = path(name);
        for (int attempt = 1; attempt <= ATTEMPTS; attempt++) {
            Node node = node(path);
            if (node == null) {
                precondition.check(what(name), readPath(name), null);
                try {
                    this.curator.createContainers(root());
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
        byte[] data = encode(value, "entry '" + key + "' of map '" + name + "'");
        String mapPath = path(name);
        String path = path(name, key);
        for (int attempt = 1; attempt <= ATTEMPTS; attempt++) {
            Node map = node(mapPath);
            Node entry = requireMap(name, map, true) ? node(path) : null;
            Long version = (entry != null) ? (long) entry.stat().getVersion() : null;
            precondition.check(what(name, key), readPath(name) + "/" + key, version);
            try {
                if (map == null) {
                    this.curator.createContainers(root());
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
        String path = path(name);
        for (int attempt = 1; attempt <= ATTEMPTS; attempt++) {
            Node node = node(path);
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
                Map<String, Node> entries = readChildren(path);
                precondition.check("map '" + name + "' (its ETag is the zxid of its latest change)", readPath(name),
                        fingerprint(node.stat(), entries));
                List<CuratorOp> ops = new ArrayList<>();
                long bytes = 0;
                for (Map.Entry<String, Node> entry : entries.entrySet()) {
                    ops.add(this.curator.transactionOp().delete().withVersion(entry.getValue().stat().getVersion())
                            .forPath(path(name, entry.getKey())));
                    bytes += path(name, entry.getKey()).length() + 32;
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
        String path = path(name, key);
        for (int attempt = 1; attempt <= ATTEMPTS; attempt++) {
            requireMap(name, node(path(name)), false);
            Node entry = node(path);
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

    private void checkKind(String name, DataKind current, DataKind written) {
        if (current == DataKind.MAP) {
            throw kindConflict("data '" + name + "' is a map, not a " + written.label()
                    + ": write its entries with PUT " + readPath(name) + "/{key}, or delete the map first");
        }
        if (current == DataKind.COUNTER && written != DataKind.COUNTER) {
            throw AdminApiException.badRequest("body", "data '" + name + "' is a counter: what is written to it "
                    + "must be a bare JSON integer, e.g. 42; delete it first to store a value of another kind");
        }
        if (current == DataKind.VALUE && written == DataKind.COUNTER) {
            throw kindConflict("data '" + name + "' is a value, not a counter: a bare integer would turn it into a "
                    + "counter; write a decimal (e.g. 2.0) or other JSON, or delete it first to make a counter");
        }
    }

    private byte[] encode(JsonNode value, String what) {
        if (value.isIntegralNumber() && !value.canConvertToLong()) {
            throw AdminApiException.badRequest("body", "the integer " + value + " is out of range: a bare integer is "
                    + "stored as a counter, and counters are 64-bit; send it as a string or decimal");
        }
        byte[] data = this.json.encode(value);
        long max = this.properties.getMaxValueSize().toBytes();
        if (data.length > max) {
            throw AdminApiException.badRequest("body", what + " would hold " + data.length + " bytes of JSON, over "
                    + "meshkeeper.registry.data.max-value-size (" + max + " bytes); store large content elsewhere "
                    + "and reference it");
        }
        return data;
    }

    /** A map's ETag: the zxid of its latest change (the map node, an entry added, removed or changed). */
    private static long fingerprint(Stat map, Map<String, Node> entries) {
        long zxid = Math.max(map.getMzxid(), map.getPzxid());
        for (Node entry : entries.values()) {
            zxid = Math.max(zxid, entry.stat().getMzxid());
        }
        return zxid;
    }

    private Node node(String path) throws Exception {
        Stat stat = new Stat();
        try {
            byte[] data = this.curator.getData().storingStatIn(stat).forPath(path);
            return new Node(data, stat);
        }
        catch (KeeperException.NoNodeException ex) {
            return null;
        }
    }

    /** The children of {@code path} with data and stat, by name, read in parallel (a map may have thousands). */
    private Map<String, Node> readChildren(String path) throws Exception {
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

    private ValueView valueView(String name, Decoded decoded, int version) {
        return new ValueView(name, path(name), decoded.kind().label(), version, decoded.value(), decoded.problem());
    }

    private EntryItem entryItem(String name, String key, JsonNode value, int version) {
        return new EntryItem(name, key, path(name, key), version, value, null);
    }

    static void validate(String name, String field) {
        if (name == null || !NAME.matcher(name).matches()) {
            String what = field.equals("key") ? "map key" : "data name";
            throw AdminApiException.badRequest(field, what + " '" + name + "' is not allowed: use 1 to 128 letters, "
                    + "digits, '.', '_' or '-', not starting with '.' (pattern [A-Za-z0-9_-][A-Za-z0-9._-]{0,127}), "
                    + "e.g. inventory-stock");
        }
    }

    private String root() {
        return this.properties.getRoot();
    }

    private String path(String name) {
        return root() + "/" + name;
    }

    private String path(String name, String key) {
        return path(name) + "/" + key;
    }

    private static String readPath(String name) {
        return "/api/v1/data/" + name;
    }

    private static String what(String name) {
        return "data '" + name + "'";
    }

    private static String what(String name, String key) {
        return "entry '" + key + "' of map '" + name + "'";
    }

    private static AdminApiException notFound(String name) {
        return AdminApiException.notFound("name", "there is no shared data named '" + name + "'; see GET /api/v1/data "
                + "for every name");
    }

    private static AdminApiException entryNotFound(String name, String key) {
        return AdminApiException.notFound("key", "map '" + name + "' has no entry '" + key + "'; see GET "
                + readPath(name) + " for its entries");
    }

    private static AdminApiException kindConflict(String detail) {
        return new AdminApiException(HttpStatus.CONFLICT, "Kind conflict", detail + "; nothing was changed", null);
    }

    private static AdminApiException keptChanging(String what) {
        return AdminApiException.conflict(what + " kept changing while this change was applied; nothing was "
                + "changed, retry the request");
    }

    private record Node(byte[] data, Stat stat) {
    }

    record Summary(String name, String kind, int entries) {
    }

    /** What {@code GET /api/v1/data/{name}} shows. */
    sealed interface DataView permits ValueView, MapView {
    }

    /** A value or counter; {@code problem} says why the value is shown as text when its znode is not JSON. */
    record ValueView(String name, String path, String kind, int version, JsonNode value,
            @JsonInclude(JsonInclude.Include.NON_NULL) String problem) implements DataView {
    }

    /** A map; {@code etag} is the zxid of its latest change, the version a whole-map delete checks. */
    record MapView(String name, String path, String kind, List<EntryView> entries, @JsonIgnore long etag)
            implements DataView {
    }

    record EntryView(String key, int version, JsonNode value,
            @JsonInclude(JsonInclude.Include.NON_NULL) String problem) {
    }

    record EntryItem(String name, String key, String path, int version, JsonNode value,
            @JsonInclude(JsonInclude.Include.NON_NULL) String problem) {
    }

    record Written<T>(T view, boolean created) {
    }
}
