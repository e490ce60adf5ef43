package dev.meshkeeper.data;

import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * A map of typed entries shared by every instance of the application: the node {@code {root}/{name}} (data
 * {@code {"kind":"map"}}) with one child per entry, {@code {root}/{name}/{key}}, holding the entry's JSON. Each
 * entry has its own znode version, so writers of different keys never conflict.
 * <p>
 * <b>Reads</b> answer from the local replica, kept current by a ZooKeeper watch: no network, also while ZooKeeper
 * is away ({@link Versioned#stale()} says so). <b>Writes</b> of one entry are linearizable and fail at once while
 * ZooKeeper is away ({@link dev.meshkeeper.zookeeper.ZooKeeperUnavailableException}); the replica shows a write
 * when the call returns. Nothing spans several keys atomically.
 * @param <V> the entries' type
 */
public interface SharedMap<V> {

    /** The map's name. */
    String name();

    /** The entry's value in the local replica, {@code null} if absent; no network, no allocation. */
    V get(String key);

    /** The entry in the local replica with its version and staleness. */
    Versioned<V> getVersioned(String key);

    /**
     * A read-only live view of the replica's entries: it changes as the replica does (iteration is weakly
     * consistent). Calling it allocates nothing.
     */
    Map<String, V> entries();

    /** The number of entries in the replica. */
    int size();

    /**
     * Writes the entry whatever its version, creating it if needed.
     * @throws IllegalStateException when it would be a new key beyond {@code meshkeeper.data.max-entries}
     */
    Versioned<V> put(String key, V value);

    /** Creates the entry only if the key is absent in ZooKeeper; otherwise returns the entry it holds. */
    CasResult<V> putIfAbsent(String key, V value);

    /**
     * Writes the entry only if ZooKeeper still holds {@code expectedVersion} of it ({@link Versioned#ABSENT}: only
     * if absent), in one round trip.
     */
    CasResult<V> compareAndSet(String key, int expectedVersion, V value);

    /**
     * Replaces the entry only if its value in ZooKeeper equals {@code expected} (compared as JSON); {@code true} only
     * if this call wrote {@code replacement}.
     */
    boolean replace(String key, V expected, V replacement);

    /**
     * Applies {@code function} to the entry ({@code null} if absent) and writes the result with a compare-and-set,
     * again on a fresh value after each conflict, at most {@code meshkeeper.data.update-attempts} times. The function
     * may run more than once and may throw to abort.
     * @throws UpdateConflictException when every attempt lost to another writer
     */
    Versioned<V> update(String key, UnaryOperator<V> function);

    /** Removes the entry; {@code true} if this call removed it. */
    boolean remove(String key);

    /** Calls {@code listener} after each change of any entry, in order. */
    Subscription onChange(EntryChangeListener<V> listener);

    /** Calls {@code listener} after each change of the entry {@code key}, in order. */
    Subscription onChange(String key, DataChangeListener<V> listener);
}
