package dev.meshkeeper.traffic;

/** A {@code meshkeeper.traffic.rate-limits.*} value that cannot work, found at start-up. */
public class InvalidRateLimitException extends IllegalStateException {

    private final String property;

    private final transient Object value;

    InvalidRateLimitException(String property, Object value, String message) {
        super(message);
        this.property = property;
        this.value = value;
    }

    /** The full property name, e.g. {@code meshkeeper.traffic.rate-limits.quotes.rate}. */
    public String getProperty() {
        return this.property;
    }

    /** The rejected value as configured. */
    public Object getValue() {
        return this.value;
    }
}
