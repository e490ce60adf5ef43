package dev.meshkeeper.registry.api;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.api.transaction.CuratorOp;
import org.apache.curator.framework.api.transaction.TransactionOp;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.data.Stat;
import org.springframework.http.HttpStatus;
import tools.jackson.databind.json.JsonMapper;

/**
 * Reads and changes config contexts in ZooKeeper in Spring Cloud Zookeeper's layout ({@code /config/{context}/
 * {key}}, nested znodes or dotted names), keeping each context's version and change history under
 * {@code /meshkeeper/config/{context}}.
 * <p>
 * Every change is one ZooKeeper {@code multi()}: the values, the version bump (a compare-and-set on the
 * bookkeeping znode), the history record and the purge of history beyond the limit commit together or not at all.
 * Values are written with the znode versions read just before, so a concurrent writer (another API call or a
 * plain ZooKeeper client) makes the transaction fail instead of being overwritten; without {@code If-Match} the
 * change is re-read and retried, with it the caller gets 412.
 */
final class ConfigStore {

    static final Pattern KEY = Pattern.compile("[A-Za-z0-9_\\-\\[\\]]+(\\.[A-Za-z0-9_\\-\\[\\]]+)*");

    static final Pattern CONTEXT = Pattern.compile("[A-Za-z0-9_\\-.,]+");

    private static final int ATTEMPTS = 5;

    private static final byte[] EMPTY = new byte[0];

    private final CuratorFramework curator;

    private final ConfigApiProperties properties;

    private final JsonMapper json;

    private final Clock clock;

    private final long maxTransactionBytes;

    ConfigStore(CuratorFramework curator, ConfigApiProperties properties, JsonMapper json, Clock clock,
            long juteMaxBuffer) {
        this.curator = curator;
        this.properties = properties;
        this.json = json;
        this.clock = clock;
        this.maxTransactionBytes = juteMaxBuffer - 16 * 1024;
    }

    /** Every context under the config root, with its version and number of keys. */
    List<ContextSummary> contexts() throws Exception {
        List<ContextSummary> contexts = new ArrayList<>();
        if (this.curator.checkExists().forPath(this.properties.getRoot()) == null) {
            return contexts;
        }
        List<String> names = new ArrayList<>(this.curator.getChildren().forPath(this.properties.getRoot()));
        names.sort(Comparator.naturalOrder());
        for (String name : names) {
            Snapshot snapshot = snapshot(name);
            contexts.add(new ContextSummary(name, snapshot.path(), snapshot.version(), snapshot.values().size()));
        }
        return contexts;
    }

    /** The context's keys and values and its version; 404 when it has neither values nor history. */
    Snapshot read(String context) throws Exception {
        validateContext(context);
        Snapshot snapshot = snapshot(context);
        if (!snapshot.exists()) {
            throw ConfigApiException.notFound("config context '" + context + "' does not exist (no znode "
                    + contextPath(context) + "); list contexts with GET /api/v1/config or create it with PUT");
        }
        return snapshot;
    }

    /** The recorded changes, newest first. */
    List<Change> history(String context) throws Exception {
        read(context);
        String historyPath = historyPath(context);
        if (this.curator.checkExists().forPath(historyPath) == null) {
            return List.of();
        }
        List<String> children = new ArrayList<>(this.curator.getChildren().forPath(historyPath));
        children.sort(Comparator.reverseOrder());
        List<Change> changes = new ArrayList<>();
        for (String child : children) {
            try {
                byte[] data = this.curator.getData().forPath(historyPath + "/" + child);
                changes.add(this.json.readValue(data, Change.class));
            }
            catch (KeeperException.NoNodeException ex) {
                // purged by a concurrent change; the history is newest-first, so nothing older is missed
            }
        }
        return changes;
    }

    /** The context's values as they were right after {@code version} was recorded (0 = before the first change). */
    Map<String, String> valuesAt(String context, long version, String field) throws Exception {
        Snapshot current = read(context);
        if (version < 0 || version > current.version()) {
            throw ConfigApiException.notFound("config context '" + context + "' has no version " + version
                    + "; its versions are 0.." + current.version());
        }
        Map<String, String> values = new TreeMap<>(current.values());
        long expected = current.version();
        for (Change change : history(context)) {
            if (change.version() <= version) {
                break;
            }
            if (change.version() != expected) {
                break;
            }
            for (KeyChange keyChange : change.changes()) {
                if (keyChange.oldValue() == null) {
                    values.remove(keyChange.key());
                }
                else {
                    values.put(keyChange.key(), keyChange.oldValue());
                }
            }
            expected--;
        }
        if (expected != version) {
            throw new ConfigApiException(HttpStatus.GONE, "Version no longer in history",
                    "version " + version + " of config context '" + context + "' is older than the kept history "
                            + "(meshkeeper.registry.config.history-limit=" + this.properties.getHistoryLimit()
                            + "); the oldest version that can be restored is " + expected,
                    field);
        }
        return values;
    }

    /**
     * Sets and deletes keys in one transaction and records the change. Returns the recorded change, or
     * {@code null} when nothing differed (nothing is recorded then).
     * @param expectedVersion the version from {@code If-Match}, or {@code null}
     */
    Change apply(String context, Map<String, String> sets, Collection<String> deletes, Long expectedVersion,
            String who, String operation, Long rollbackOf) throws Exception {
        validateContext(context);
        validateWrite(sets, deletes);
        for (int attempt = 1;; attempt++) {
            Snapshot snapshot = snapshot(context);
            if (expectedVersion != null && expectedVersion != snapshot.version()) {
                throw preconditionFailed(context, expectedVersion, snapshot.version());
            }
            List<KeyChange> changes = new ArrayList<>();
            for (String key : deletes) {
                if (!snapshot.entries().containsKey(key)) {
                    throw ConfigApiException.notFound("key '" + key + "' is not set in config context '" + context
                            + "'; nothing was deleted");
                }
            }
            for (Map.Entry<String, String> set : sets.entrySet()) {
                Node existing = snapshot.entries().get(set.getKey());
                String old = (existing != null) ? existing.value() : null;
                if (!Objects.equals(old, set.getValue())) {
                    changes.add(new KeyChange(set.getKey(), old, set.getValue()));
                }
            }
            for (String key : deletes) {
                if (!sets.containsKey(key)) {
                    changes.add(new KeyChange(key, snapshot.entries().get(key).value(), null));
                }
            }
            if (changes.isEmpty()) {
                return null;
            }
            checkTransactionSize(context, changes);
            long version = snapshot.version() + 1;
            Change change = new Change(version, who, Instant.now(this.clock).toString(), operation, rollbackOf,
                    changes);
            try {
                this.curator.transaction().forOperations(operations(context, snapshot, change));
                return change;
            }
            catch (KeeperException.BadVersionException | KeeperException.NodeExistsException
                    | KeeperException.NoNodeException | KeeperException.NotEmptyException ex) {
                if (expectedVersion != null) {
                    long now = snapshot(context).version();
                    if (now != expectedVersion) {
                        throw preconditionFailed(context, expectedVersion, now);
                    }
                }
                if (attempt >= ATTEMPTS) {
                    throw ConfigApiException.conflict("config context '" + context + "' kept changing while "
                            + "this change was applied (" + ex.code() + " at " + ex.getPath()
                            + "); nothing was changed, retry the request");
                }
            }
        }
    }

    private List<CuratorOp> operations(String context, Snapshot snapshot, Change change) throws Exception {
        TransactionOp op = this.curator.transactionOp();
        List<CuratorOp> ops = new ArrayList<>();
        String contextPath = contextPath(context);
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
        String bookkeeping = bookkeepingPath(context);
        byte[] version = Long.toString(change.version()).getBytes(StandardCharsets.UTF_8);
        if (snapshot.bookkeepingZkVersion() < 0) {
            createMissing(ops, op, parentOf(bookkeeping));
            ops.add(op.create().forPath(bookkeeping, version));
            ops.add(op.create().forPath(historyPath(context), EMPTY));
        }
        else {
            ops.add(op.setData().withVersion(snapshot.bookkeepingZkVersion()).forPath(bookkeeping, version));
        }
        ops.add(op.create().forPath(historyPath(context) + "/" + String.format("%010d", change.version()),
                this.json.writeValueAsBytes(change)));
        if (snapshot.bookkeepingZkVersion() >= 0) {
            long oldestKept = change.version() - this.properties.getHistoryLimit() + 1;
            for (String child : this.curator.getChildren().forPath(historyPath(context))) {
                if (Long.parseLong(child) < oldestKept) {
                    ops.add(op.delete().forPath(historyPath(context) + "/" + child));
                }
            }
        }
        return ops;
    }

    private List<String> emptiedParents(String contextPath, Snapshot snapshot, Set<String> deletedPaths) {
        List<String> parents = new ArrayList<>();
        Set<String> gone = new LinkedHashSet<>(deletedPaths);
        boolean found = true;
        while (found) {
            found = false;
            for (String path : new ArrayList<>(gone)) {
                String parent = parentOf(path);
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
                current = parentOf(current)) {
            missing.add(0, current);
        }
        for (String create : missing) {
            ops.add(op.create().forPath(create, EMPTY));
        }
    }

    private Snapshot snapshot(String context) throws Exception {
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

    private void validateWrite(Map<String, String> sets, Collection<String> deletes) {
        long maxBytes = this.properties.getMaxValueSize().toBytes();
        for (Map.Entry<String, String> set : sets.entrySet()) {
            validateKey(set.getKey(), "properties");
            if (set.getValue() == null) {
                throw ConfigApiException.badRequest("properties." + set.getKey(),
                        "value of key '" + set.getKey() + "' is null; send a string (\"\" for empty) or delete the "
                                + "key with DELETE /api/v1/config/{context}/properties/" + set.getKey());
            }
            int size = set.getValue().getBytes(StandardCharsets.UTF_8).length;
            if (size > maxBytes) {
                throw ConfigApiException.badRequest("properties." + set.getKey(), "value of key '" + set.getKey()
                        + "' is " + size + " bytes, over meshkeeper.registry.config.max-value-size (" + maxBytes
                        + " bytes); store large content elsewhere and reference it");
            }
        }
        for (String key : deletes) {
            validateKey(key, "key");
        }
    }

    /** One multi() is one ZooKeeper request: with its history record it must stay below jute.maxbuffer. */
    private void checkTransactionSize(String context, List<KeyChange> changes) {
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

    static void validateKey(String key, String field) {
        if (key == null || key.isBlank()) {
            throw ConfigApiException.badRequest(field, "config key is empty; use a property name such as "
                    + "orders.max-quantity");
        }
        if (!KEY.matcher(key).matches()) {
            throw ConfigApiException.badRequest(field, "config key '" + key + "' is not a property name: use "
                    + "letters, digits, '-', '_' and '[n]', separated by single dots (e.g. orders.max-quantity)");
        }
    }

    static void validateContext(String context) {
        if (context == null || context.isBlank() || !CONTEXT.matcher(context).matches() || context.equals(".")
                || context.equals("..")) {
            throw ConfigApiException.badRequest("context", "config context '" + context + "' is not a context "
                    + "name: use application, {app} or {app},{profile} (letters, digits, '-', '_', '.', ',')");
        }
    }

    private static ConfigApiException preconditionFailed(String context, long expected, long actual) {
        return new ConfigApiException(HttpStatus.PRECONDITION_FAILED, "Version mismatch",
                "config context '" + context + "' is at version " + actual + ", not " + expected
                        + " (If-Match); read it again (GET /api/v1/config/" + context
                        + "), re-apply your change and send the new ETag",
                "If-Match");
    }

    String contextPath(String context) {
        return this.properties.getRoot() + "/" + context;
    }

    private String bookkeepingPath(String context) {
        return this.properties.getBookkeepingRoot() + "/" + context;
    }

    private String historyPath(String context) {
        return bookkeepingPath(context) + "/history";
    }

    private static String parentOf(String path) {
        int slash = path.lastIndexOf('/');
        return (slash <= 0) ? "" : path.substring(0, slash);
    }

    record ContextSummary(String name, String path, long version, int keys) {
    }

    record Node(String path, String value, int zkVersion, int children, List<String> childPaths) {
    }

    record Snapshot(String context, String path, boolean exists, long version, int bookkeepingZkVersion,
            Map<String, Node> nodes, Map<String, Node> entries) {

        Map<String, String> values() {
            Map<String, String> values = new TreeMap<>();
            this.entries.forEach((key, node) -> values.put(key, node.value()));
            return values;
        }
    }

    /** One key's change: {@code oldValue} is null for a new key, {@code newValue} null for a deleted one. */
    record KeyChange(String key, String oldValue, String newValue) {
    }

    /** One recorded change of a context: its version, who made it, when, how, and each key's old and new value. */
    record Change(long version, String who, String when, String operation, Long rollbackOf,
            List<KeyChange> changes) {
    }
}
