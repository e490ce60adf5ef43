package dev.meshkeeper.placement;

import org.springframework.context.ApplicationEvent;

/**
 * This instance now owns an item of a work group and may work on it. Published on the group's own thread; the item
 * was started only after its previous owner released it or lost its session.
 */
public class WorkAssignedEvent extends ApplicationEvent {

    private final String group;

    private final String item;

    private final long fencingToken;

    public WorkAssignedEvent(Object source, String group, String item, long fencingToken) {
        super(source);
        this.group = group;
        this.item = item;
        this.fencingToken = fencingToken;
    }

    public String getGroup() {
        return this.group;
    }

    public String getItem() {
        return this.item;
    }

    /** Grows with every new owner of the item: pass it with side effects so that a late writer can be refused. */
    public long getFencingToken() {
        return this.fencingToken;
    }

    @Override
    public String toString() {
        return "WorkAssignedEvent[group=" + this.group + ", item=" + this.item + ", token=" + this.fencingToken + "]";
    }
}
