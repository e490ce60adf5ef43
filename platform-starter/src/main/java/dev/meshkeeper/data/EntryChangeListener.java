package dev.meshkeeper.data;

/**
 * Hears every change of a shared map. Called on Meshkeeper's data event thread, in the order ZooKeeper applied the
 * changes, after the local replica shows the new value. Keep it short.
 * @param <V> the entries' type
 */
@FunctionalInterface
public interface EntryChangeListener<V> {

    /**
     * @param key the entry's key
     * @param oldValue the value before ({@code null} when the entry was added)
     * @param newValue the value after ({@code null} when the entry was removed)
     */
    void changed(String key, V oldValue, V newValue);
}
