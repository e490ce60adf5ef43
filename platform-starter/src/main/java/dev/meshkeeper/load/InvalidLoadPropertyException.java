package dev.meshkeeper.load;

import dev.meshkeeper.InvalidMeshkeeperPropertyException;

/**
 * A {@code meshkeeper.load.*} property with a value that cannot work, refused when it is bound.
 * @deprecated still thrown for {@code meshkeeper.load.*}, but catch {@link InvalidMeshkeeperPropertyException},
 * which every invalid Meshkeeper property raises
 */
@Deprecated(since = "0.1.0")
public class InvalidLoadPropertyException extends InvalidMeshkeeperPropertyException {

    InvalidLoadPropertyException(String property, Object value, String problem, String action) {
        super(property, value, problem, action);
    }

    /** What to write instead; the same as {@link #getRemedy()}. */
    public String getAction() {
        return getRemedy();
    }
}
