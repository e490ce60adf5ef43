package dev.meshkeeper.data;

import java.util.function.UnaryOperator;

/**
 * One typed value shared by every instance of the application, stored as JSON at {@code {root}/{name}}.
 * <p>
 * <b>Reads</b> ({@link #get()}, {@link #getVersioned()}) answer from the local replica, which ZooKeeper watches keep
 * current: they never touch the network, also while ZooKeeper is away, and {@link Versioned#stale()} says when the
 * replica may be behind. The replica moves forward only.
 * <p>
 * <b>Writes</b> go to ZooKeeper and are linearizable: each is one request, versioned by the znode version, and the
 * local replica shows it when the call returns. While the connection is suspended or lost they fail at once with
 * {@link dev.meshkeeper.zookeeper.ZooKeeperUnavailableException}; one that timed out may still have been applied.
 * @param <T> the value's type
 */
public interface SharedValue<T> {

    /** The value's name. */
    String name();

    /** The value in the local replica, {@code null} if it was never set; no network, no allocation. */
    T get();

    /** The value in the local replica with its version and staleness. */
    Versioned<T> getVersioned();

    /** Writes the value whatever the current version. */
    Versioned<T> set(T value);

    /**
     * Writes the value only if ZooKeeper still holds {@code expectedVersion} ({@link Versioned#ABSENT}: only if it
     * does not exist yet), in one round trip.
     */
    CasResult<T> compareAndSet(int expectedVersion, T value);

    /**
     * Applies {@code function} to the current value ({@code null} if none) and writes the result with a
     * compare-and-set, again on a fresh value after each conflict, at most {@code meshkeeper.data.update-attempts}
     * times. The function may run more than once and may throw to abort (nothing is written then).
     * @throws UpdateConflictException when every attempt lost to another writer
     */
    Versioned<T> update(UnaryOperator<T> function);

    /** Calls {@code listener} after each change of the replica, in order. */
    Subscription onChange(DataChangeListener<T> listener);
}
