package dev.meshkeeper.registry.api;

import dev.meshkeeper.registry.api.ConfigTree.Node;
import dev.meshkeeper.registry.api.ConfigTree.Snapshot;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.apache.curator.framework.CuratorFramework;
import org.apache.zookeeper.KeeperException;
import org.jspecify.annotations.Nullable;
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

    private static final int ATTEMPTS = 5;

    private final ConfigApiProperties properties;

    private final Clock clock;

    private final ConfigTree tree;

    private final ConfigHistory history;

    private final ConfigTransaction transaction;

    ConfigStore(CuratorFramework curator, ConfigApiProperties properties, JsonMapper json, Clock clock,
            long juteMaxBuffer) {
        this.properties = properties;
        this.clock = clock;
        this.tree = new ConfigTree(curator, properties);
        this.history = new ConfigHistory(curator, this.tree, json, properties);
        this.transaction = new ConfigTransaction(curator, this.tree, properties, json, juteMaxBuffer);
    }

    /** Every context under the config root, with its version and number of keys. */
    List<ContextSummary> contexts() throws Exception {
        List<ContextSummary> contexts = new ArrayList<>();
        for (String name : this.tree.contextNames()) {
            Snapshot snapshot = this.tree.snapshot(name);
            contexts.add(new ContextSummary(name, snapshot.path(), snapshot.version(), snapshot.values().size()));
        }
        return contexts;
    }

    /** The context's keys and values and its version; 404 when it has neither values nor history. */
    Snapshot read(String context) throws Exception {
        ConfigValidation.validateContext(context);
        Snapshot snapshot = this.tree.snapshot(context);
        if (!snapshot.exists()) {
            throw ConfigApiException.notFound("config context '" + context + "' does not exist (no znode "
                    + contextPath(context) + "); list contexts with GET /api/v1/config or create it with PUT");
        }
        return snapshot;
    }

    /** The recorded changes, newest first. */
    List<Change> history(String context) throws Exception {
        read(context);
        return this.history.changes(context);
    }

    /** The context's values as they were right after {@code version} was recorded (0 = before the first change). */
    Map<String, String> valuesAt(String context, long version, String field) throws Exception {
        Snapshot current = read(context);
        if (version < 0 || version > current.version()) {
            throw ConfigApiException.notFound("config context '" + context + "' has no version " + version
                    + "; its versions are 0.." + current.version());
        }
        return this.history.valuesAt(context, current.values(), current.version(), history(context), version, field);
    }

    /**
     * Sets and deletes keys in one transaction and records the change. Returns the recorded change, or
     * {@code null} when nothing differed (nothing is recorded then).
     * @param expectedVersion the version from {@code If-Match}, or {@code null}
     */
    Change apply(String context, Map<String, String> sets, Collection<String> deletes, Long expectedVersion,
            String who, String operation, Long rollbackOf) throws Exception {
        ConfigValidation.validateContext(context);
        ConfigValidation.validateWrite(sets, deletes, this.properties.getMaxValueSize().toBytes());
        for (int attempt = 1;; attempt++) {
            Snapshot snapshot = this.tree.snapshot(context);
            if (expectedVersion != null && expectedVersion != snapshot.version()) {
                throw preconditionFailed(context, expectedVersion, snapshot.version());
            }
            List<KeyChange> changes = changes(context, snapshot, sets, deletes);
            if (changes.isEmpty()) {
                return null;
            }
            this.transaction.checkSize(context, changes);
            Change change = new Change(snapshot.version() + 1, who, Instant.now(this.clock).toString(), operation,
                    rollbackOf, changes);
            try {
                this.transaction.commit(context, snapshot, change);
                return change;
            }
            catch (KeeperException.BadVersionException | KeeperException.NodeExistsException
                    | KeeperException.NoNodeException | KeeperException.NotEmptyException ex) {
                if (expectedVersion != null) {
                    long now = this.tree.snapshot(context).version();
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

    /** What the write changes against {@code snapshot}: keys whose value differs, then deleted keys. */
    private static List<KeyChange> changes(String context, Snapshot snapshot, Map<String, String> sets,
            Collection<String> deletes) {
        for (String key : deletes) {
            if (!snapshot.entries().containsKey(key)) {
                throw ConfigApiException.notFound("key '" + key + "' is not set in config context '" + context
                        + "'; nothing was deleted");
            }
        }
        List<KeyChange> changes = new ArrayList<>();
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
        return changes;
    }

    private static ConfigApiException preconditionFailed(String context, long expected, long actual) {
        return new ConfigApiException(HttpStatus.PRECONDITION_FAILED, "Version mismatch",
                "config context '" + context + "' is at version " + actual + ", not " + expected
                        + " (If-Match); read it again (GET /api/v1/config/" + context
                        + "), re-apply your change and send the new ETag",
                "If-Match");
    }

    String contextPath(String context) {
        return this.tree.contextPath(context);
    }

    record ContextSummary(String name, String path, long version, int keys) {
    }

    /** One key's change: {@code oldValue} is null for a new key, {@code newValue} null for a deleted one. */
    record KeyChange(String key, @Nullable String oldValue, @Nullable String newValue) {
    }

    /** One recorded change of a context: its version, who made it, when, how, and each key's old and new value. */
    record Change(long version, @Nullable String who, @Nullable String when, String operation,
            @Nullable Long rollbackOf, List<KeyChange> changes) {
    }
}
