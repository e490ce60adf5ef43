package dev.meshkeeper.data;

/**
 * The outcome of a compare-and-set.
 * @param applied whether this write was applied (the version matched); never {@code true} for a write that was not
 * @param current after a write that was applied, what it wrote; otherwise the value ZooKeeper holds now, read
 * fresh from the server (not from the replica), ready for the next attempt
 * @param <T> the value's type
 */
public record CasResult<T>(boolean applied, Versioned<T> current) {

}
