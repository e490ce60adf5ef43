package dev.meshkeeper.data;

import java.time.Duration;
import java.time.Instant;

/**
 * A value of the local replica with the ZooKeeper metadata it was read with.
 * @param value the decoded value, {@code null} when the name or key does not exist
 * @param version the znode version, the version to pass to a compare-and-set; {@link #ABSENT} when it does not exist
 * @param modifiedZxid the ZooKeeper transaction that last changed it (0 when it does not exist)
 * @param modifiedAt when that transaction happened, by the ZooKeeper server's clock ({@code null} when absent)
 * @param stale whether the replica may be behind ZooKeeper: the connection is suspended or lost, or has returned and
 * the replica is not yet resynchronised
 * @param staleFor how long the replica has been stale ({@link Duration#ZERO} when fresh)
 * @param <T> the value's type
 */
public record Versioned<T>(T value, int version, long modifiedZxid, Instant modifiedAt, boolean stale,
        Duration staleFor) {

    /** The version of a name or key that does not exist; a compare-and-set with it creates. */
    public static final int ABSENT = -1;

    /** Whether the name or key exists (in the replica, as of this read). */
    public boolean exists() {
        return this.version != ABSENT;
    }

    static <T> Versioned<T> absent() {
        return new Versioned<>(null, ABSENT, 0, null, false, Duration.ZERO);
    }

    Versioned<T> staleFor(Duration duration) {
        return new Versioned<>(this.value, this.version, this.modifiedZxid, this.modifiedAt, true, duration);
    }
}
