package dev.meshkeeper;

/**
 * A {@code meshkeeper.*} property (or a property a Meshkeeper setting refers to) whose value cannot work. Thrown
 * while the properties are bound: at start-up it stops the application before any feature runs with the value (the
 * failure analysis names the property, the value and the remedy); for a live change from ZooKeeper it makes the
 * change rejected, and the last good value stays in force.
 * <p>
 * The property, the value and the remedy are fields, so a handler never has to parse the message.
 */
public class InvalidMeshkeeperPropertyException extends IllegalStateException {

    private final String property;

    private final transient Object value;

    private final String problem;

    private final String remedy;

    /**
     * @param property the full property name, e.g. {@code meshkeeper.load.capacity}
     * @param value the value as bound ({@code null} when unset)
     * @param problem what is wrong with it, e.g. {@code is less than 1}
     * @param remedy what to write instead, as a sentence
     */
    public InvalidMeshkeeperPropertyException(String property, Object value, String problem, String remedy) {
        super(property + " '" + value + "' " + problem);
        this.property = property;
        this.value = value;
        this.problem = problem;
        this.remedy = remedy;
    }

    /** The full property name, e.g. {@code meshkeeper.traffic.rate-limits.quotes.rate}. */
    public String getProperty() {
        return this.property;
    }

    /** The rejected value as bound ({@code null} when unset). */
    public Object getValue() {
        return this.value;
    }

    /** What is wrong with the value, e.g. {@code is less than 1}. */
    public String getProblem() {
        return this.problem;
    }

    /** What to write instead, as a sentence. */
    public String getRemedy() {
        return this.remedy;
    }
}
