package dev.meshkeeper.registry.api;

import dev.meshkeeper.registry.api.ConfigStore.Change;
import dev.meshkeeper.registry.api.ConfigStore.KeyChange;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.curator.framework.CuratorFramework;
import org.apache.zookeeper.KeeperException;
import org.springframework.http.HttpStatus;
import tools.jackson.databind.json.JsonMapper;

/**
 * A context's recorded changes ({@code /meshkeeper/config/{context}/history/{version}}, one JSON record each, the
 * newest {@code meshkeeper.registry.config.history-limit} kept) and the values of an older version, rebuilt by
 * undoing the recorded changes newest first.
 */
final class ConfigHistory {

    private final CuratorFramework curator;

    private final ConfigTree tree;

    private final JsonMapper json;

    private final ConfigApiProperties properties;

    ConfigHistory(CuratorFramework curator, ConfigTree tree, JsonMapper json, ConfigApiProperties properties) {
        this.curator = curator;
        this.tree = tree;
        this.json = json;
        this.properties = properties;
    }

    /** The recorded changes of a context, newest first; a record purged while reading is skipped. */
    List<Change> changes(String context) throws Exception {
        String historyPath = this.tree.historyPath(context);
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

    /**
     * The values right after {@code version} was recorded, rebuilt from the current values by undoing
     * {@code newestFirst} change by change.
     * @throws ConfigApiException 410 when the changes needed to reach {@code version} are no longer kept (or a
     * gap in the records stops the walk), naming the oldest version that can be rebuilt
     */
    Map<String, String> valuesAt(String context, Map<String, String> current, long currentVersion,
            List<Change> newestFirst, long version, String field) {
        Map<String, String> values = new TreeMap<>(current);
        long expected = currentVersion;
        for (Change change : newestFirst) {
            if (change.version() <= version || change.version() != expected) {
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
}
