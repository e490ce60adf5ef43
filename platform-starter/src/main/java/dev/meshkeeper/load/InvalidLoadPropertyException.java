package dev.meshkeeper.load;

/** A {@code meshkeeper.load.*} property with a value that cannot work, refused at start-up. */
public class InvalidLoadPropertyException extends IllegalStateException {

    private final String property;

    private final String action;

    InvalidLoadPropertyException(String property, Object value, String problem, String action) {
        super(property + " '" + value + "' " + problem);
        this.property = property;
        this.action = action;
    }

    /** The full property name, e.g. {@code meshkeeper.load.capacity}. */
    public String getProperty() {
        return this.property;
    }

    /** What to write instead. */
    public String getAction() {
        return this.action;
    }
}
