package dev.meshkeeper.discovery;

import dev.meshkeeper.InvalidMeshkeeperPropertyException;

/**
 * This instance is configured with a weight above {@code meshkeeper.loadbalancer.max-weight}. Thrown at start-up,
 * before the instance registers: callers would count the weight as the maximum anyway, so the configuration says
 * something the mesh would not do.
 * @deprecated still thrown for a weight above the maximum, but catch {@link InvalidMeshkeeperPropertyException},
 * which every invalid Meshkeeper property raises
 */
@Deprecated(since = "0.1.0")
public class InstanceWeightTooHighException extends InvalidMeshkeeperPropertyException {

    private final int maxWeight;

    InstanceWeightTooHighException(String property, String value, int maxWeight) {
        super(property, value, "is above " + InstanceRegistration.MAX_WEIGHT_PROPERTY + " (" + maxWeight
                + "): callers count no instance as heavier than " + maxWeight + ", so this instance does not register",
                "Set " + property + " to at most " + maxWeight + ", or raise " + InstanceRegistration.MAX_WEIGHT_PROPERTY
                        + " on this instance and on every caller.");
        this.maxWeight = maxWeight;
    }

    /** The configured weight. */
    @Override
    public String getValue() {
        return (String) super.getValue();
    }

    /** The maximum in force. */
    public int getMaxWeight() {
        return this.maxWeight;
    }
}
