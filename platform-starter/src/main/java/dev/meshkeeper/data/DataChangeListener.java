package dev.meshkeeper.data;

/**
 * Hears the changes of one shared value, counter or map entry. Called on Meshkeeper's data event thread, in the
 * order ZooKeeper applied the changes, after the local replica shows the new value. Keep it short.
 * @param <T> the value's type
 */
@FunctionalInterface
public interface DataChangeListener<T> {

    /**
     * @param oldValue the value before ({@code null} when it was created)
     * @param newValue the value after ({@code null} when it was deleted)
     */
    void changed(T oldValue, T newValue);
}
