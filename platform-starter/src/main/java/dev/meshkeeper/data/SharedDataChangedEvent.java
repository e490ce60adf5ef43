package dev.meshkeeper.data;

import org.springframework.context.ApplicationEvent;

/**
 * A shared value, counter or map entry changed in the local replica (by this instance or any other). Published on
 * Meshkeeper's data event thread, in order per name, after the replica shows the new value and after the
 * {@code onChange} listeners of that name.
 */
public class SharedDataChangedEvent extends ApplicationEvent {

    private final String name;

    private final String kind;

    private final String key;

    private final Object oldValue;

    private final Object newValue;

    private final int version;

    SharedDataChangedEvent(Object source, String name, String kind, String key, Object oldValue, Object newValue,
            int version) {
        super(source);
        this.name = name;
        this.kind = kind;
        this.key = key;
        this.oldValue = oldValue;
        this.newValue = newValue;
        this.version = version;
    }

    /** The shared data's name. */
    public String getName() {
        return this.name;
    }

    /** {@code value}, {@code map} or {@code counter}. */
    public String getKind() {
        return this.kind;
    }

    /** The map entry's key, {@code null} for a value or counter. */
    public String getKey() {
        return this.key;
    }

    /** The value before ({@code null} when created). */
    public Object getOldValue() {
        return this.oldValue;
    }

    /** The value after ({@code null} when deleted). */
    public Object getNewValue() {
        return this.newValue;
    }

    /** The znode version after the change ({@link Versioned#ABSENT} when deleted). */
    public int getVersion() {
        return this.version;
    }

    @Override
    public String toString() {
        return "SharedDataChangedEvent[" + this.kind + " " + this.name + ((this.key != null) ? "/" + this.key : "")
                + " v" + this.version + "]";
    }
}
