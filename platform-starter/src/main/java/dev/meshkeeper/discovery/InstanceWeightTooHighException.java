package dev.meshkeeper.discovery;

/**
 * This instance is configured with a weight above {@code meshkeeper.loadbalancer.max-weight}. Thrown at start-up,
 * before the instance registers: callers would count the weight as the maximum anyway, so the configuration says
 * something the mesh would not do.
 */
public class InstanceWeightTooHighException extends IllegalStateException {

    private final String property;

    private final String value;

    private final int maxWeight;

    InstanceWeightTooHighException(String property, String value, int maxWeight) {
        super(property + " '" + value + "' is above " + InstanceRegistration.MAX_WEIGHT_PROPERTY + " (" + maxWeight
                + ")");
        this.property = property;
        this.value = value;
        this.maxWeight = maxWeight;
    }

    /** The property that set the weight, {@code meshkeeper.discovery.weight} or the registration metadata's. */
    public String getProperty() {
        return this.property;
    }

    /** The configured weight. */
    public String getValue() {
        return this.value;
    }

    /** The maximum in force. */
    public int getMaxWeight() {
        return this.maxWeight;
    }
}
