package dev.meshkeeper.placement;

import org.springframework.context.ApplicationEvent;

/**
 * This instance no longer owns an item: reassigned, leaving, or the ZooKeeper connection was suspended or lost.
 * Listeners run synchronously on the group's thread and must stop the item's work before they return: the next
 * owner starts the item only after that (or after this instance's session expired).
 */
public class WorkRevokedEvent extends ApplicationEvent {

    private final String group;

    private final String item;

    private final long fencingToken;

    private final String reason;

    public WorkRevokedEvent(Object source, String group, String item, long fencingToken, String reason) {
        super(source);
        this.group = group;
        this.item = item;
        this.fencingToken = fencingToken;
        this.reason = reason;
    }

    public String getGroup() {
        return this.group;
    }

    public String getItem() {
        return this.item;
    }

    /** The token the item had while this instance owned it. */
    public long getFencingToken() {
        return this.fencingToken;
    }

    /** Why, e.g. {@code reassigned in generation 4}, {@code leaving}, {@code connection SUSPENDED}. */
    public String getReason() {
        return this.reason;
    }

    @Override
    public String toString() {
        return "WorkRevokedEvent[group=" + this.group + ", item=" + this.item + ", reason=" + this.reason + "]";
    }
}
