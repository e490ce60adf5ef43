package dev.meshkeeper.config;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * One key of one context whose value in ZooKeeper differs from the value in the {@code Environment}.
 * @param context the context
 * @param key the property key
 * @param oldValue the value in the {@code Environment}, {@code null} when the key is new
 * @param newValue the value in ZooKeeper, {@code null} when the key was deleted
 */
record ConfigChange(WatchedContext context, String key, String oldValue, String newValue) {

    /** Every key whose value differs, the keys of {@code current} first, then the new ones, each in map order. */
    static List<ConfigChange> between(WatchedContext context, Map<String, String> current,
            Map<String, String> fresh) {
        List<ConfigChange> changes = new ArrayList<>();
        for (String key : keysOf(current, fresh)) {
            String oldValue = current.get(key);
            String newValue = fresh.get(key);
            if (!Objects.equals(oldValue, newValue)) {
                changes.add(new ConfigChange(context, key, oldValue, newValue));
            }
        }
        return changes;
    }

    static Set<String> keysOf(Map<String, String> current, Map<String, String> fresh) {
        Set<String> keys = new LinkedHashSet<>(current.keySet());
        keys.addAll(fresh.keySet());
        return keys;
    }

    /** Identifies the key across refreshes: context and key. */
    String id() {
        return idOf(this.context.path(), this.key);
    }

    static String idOf(String context, String key) {
        return context + "#" + key;
    }

    /** Writes the new value into {@code values}, or removes the key when it was deleted. */
    void applyTo(Map<String, ? super String> values) {
        if (this.newValue == null) {
            values.remove(this.key);
        }
        else {
            values.put(this.key, this.newValue);
        }
    }
}
