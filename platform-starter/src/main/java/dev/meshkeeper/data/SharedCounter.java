package dev.meshkeeper.data;

/**
 * A counter shared by every instance of the application: a bare JSON number at {@code {root}/{name}}.
 * <p>
 * {@link #incrementAndGet(long)} is exact under contention from any number of threads and instances: each increment
 * is applied exactly once with a compare-and-set on the znode version, and concurrent increments of threads of this
 * instance are combined into one write. {@link #get()} answers from the local replica. While ZooKeeper is away
 * increments fail at once with {@link dev.meshkeeper.zookeeper.ZooKeeperUnavailableException}; one whose outcome is
 * unknown (a timeout or a connection lost in flight) may still have been applied.
 */
public interface SharedCounter {

    /** The counter's name. */
    String name();

    /** The counter in the local replica (0 before its first increment); no network, no allocation. */
    long get();

    /** The counter in the local replica with its version and staleness. */
    Versioned<Long> getVersioned();

    /**
     * Adds {@code delta} (may be negative) in ZooKeeper and returns the counter right after this addition.
     * @throws ArithmeticException if the counter would overflow
     */
    long incrementAndGet(long delta);

    /** Calls {@code listener} after each change of the replica, in order. */
    Subscription onChange(DataChangeListener<Long> listener);
}
