package dev.meshkeeper.zookeeper;

import java.time.Duration;
import java.util.Locale;

/**
 * A ZooKeeper request made for the application was not carried out, or its outcome is unknown, because ZooKeeper
 * is not reachable: the connection is SUSPENDED or LOST, or no answer came within
 * {@code meshkeeper.zookeeper.operation-timeout}. Writes fail fast with this exception instead of waiting for
 * Curator's whole retry budget; reads keep answering from the local caches meanwhile.
 * <p>
 * A timed-out write may still be applied by the server once the connection returns: callers that must know
 * re-read the data (compare-and-set writes are safe to retry with the version they read).
 */
public class ZooKeeperUnavailableException extends RuntimeException {

    private final String path;

    private final String operation;

    private final Duration outage;

    public ZooKeeperUnavailableException(String operation, String path, Duration outage, String reason,
            Throwable cause) {
        super(message(operation, path, outage, reason), cause);
        this.path = path;
        this.operation = operation;
        this.outage = outage;
    }

    private static String message(String operation, String path, Duration outage, String reason) {
        return String.format(Locale.ROOT, "ZooKeeper unavailable: could not %s '%s' (%s; outage for %.1f s). "
                + "Reads keep serving the last known values; retry the write when the connection returns",
                operation, path, reason, outage.toMillis() / 1000.0);
    }

    /** The znode the request was for. */
    public String path() {
        return this.path;
    }

    /** What the request was, e.g. {@code create}, {@code set}, {@code delete}. */
    public String operation() {
        return this.operation;
    }

    /** How long the current outage has lasted when the request failed ({@link Duration#ZERO} if it just began). */
    public Duration outage() {
        return this.outage;
    }
}
