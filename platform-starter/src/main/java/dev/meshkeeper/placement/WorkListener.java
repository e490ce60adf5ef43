package dev.meshkeeper.placement;

/** What a member tells its owner about items it starts and stops; called on the member's own thread. */
interface WorkListener {

    /** The member now owns the item: it may work on it, fencing side effects with the token. */
    void assigned(String item, long token);

    /**
     * The member no longer owns the item. The item's next owner starts only after this returns (or after this
     * member's session expired), so work on the item must be stopped before returning.
     */
    void revoked(String item, long token, String reason);

    /** A new assignment was seen and every item it gives this member is started ({@code nanos} after it was seen). */
    default void settled(long generation, long nanos) {
    }

    /** As leader, the member published a new assignment that moved {@code moved} items. */
    default void published(long generation, int moved) {
    }
}
