package dev.meshkeeper.data;

/**
 * An {@code update} lost the compare-and-set race every time it tried: other writers changed the value between its
 * read and its write. Nothing was written by the update. Retry later, or write less often to the same name or key.
 */
public class UpdateConflictException extends RuntimeException {

    private final String name;

    private final int attempts;

    UpdateConflictException(String name, int attempts) {
        super("Shared data '" + name + "' changed under each of " + attempts + " update attempts "
                + "(meshkeeper.data.update-attempts=" + attempts + "); nothing was written. Retry later, "
                + "spread the writes over more keys, or raise meshkeeper.data.update-attempts");
        this.name = name;
        this.attempts = attempts;
    }

    /** The name (and key, as {@code name/key}) that was updated. */
    public String name() {
        return this.name;
    }

    /** How many compare-and-set attempts were made. */
    public int attempts() {
        return this.attempts;
    }
}
