package dev.meshkeeper.traffic;

import dev.meshkeeper.InvalidMeshkeeperPropertyException;

/**
 * A {@code meshkeeper.traffic.rate-limits.*} value (or the value of the property a {@code rate-property} names)
 * that cannot work.
 * @deprecated still thrown for rate limits, but catch {@link InvalidMeshkeeperPropertyException}, which every
 * invalid Meshkeeper property raises
 */
@Deprecated(since = "0.1.0")
public class InvalidRateLimitException extends InvalidMeshkeeperPropertyException {

    InvalidRateLimitException(String property, Object value, String problem, String remedy) {
        super(property, value, problem, remedy);
    }
}
