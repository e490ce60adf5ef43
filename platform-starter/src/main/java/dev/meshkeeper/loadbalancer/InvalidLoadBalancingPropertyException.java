package dev.meshkeeper.loadbalancer;

/**
 * A {@code meshkeeper.loadbalancer.*} property with a value that cannot work. Thrown at start-up, so that no
 * balancer runs with half-applied settings.
 */
public class InvalidLoadBalancingPropertyException extends IllegalStateException {

    private final String property;

    private final transient Object value;

    private final String action;

    InvalidLoadBalancingPropertyException(String property, Object value, String problem, String action) {
        super(property + " '" + value + "' " + problem);
        this.property = property;
        this.value = value;
        this.action = action;
    }

    /** The full property name, e.g. {@code meshkeeper.loadbalancer.clients.inventory-service.strategy}. */
    public String getProperty() {
        return this.property;
    }

    /** The rejected value as configured. */
    public Object getValue() {
        return this.value;
    }

    /** What to write instead. */
    public String getAction() {
        return this.action;
    }
}
