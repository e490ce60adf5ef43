package dev.meshkeeper.loadbalancer;

import dev.meshkeeper.InvalidMeshkeeperPropertyException;

/**
 * A {@code meshkeeper.loadbalancer.*} property with a value that cannot work, refused when it is bound, so that no
 * balancer runs with half-applied settings.
 * @deprecated still thrown for {@code meshkeeper.loadbalancer.*}, but catch
 * {@link InvalidMeshkeeperPropertyException}, which every invalid Meshkeeper property raises
 */
@Deprecated(since = "0.1.0")
public class InvalidLoadBalancingPropertyException extends InvalidMeshkeeperPropertyException {

    InvalidLoadBalancingPropertyException(String property, Object value, String problem, String action) {
        super(property, value, problem, action);
    }

    /** What to write instead; the same as {@link #getRemedy()}. */
    public String getAction() {
        return getRemedy();
    }
}
