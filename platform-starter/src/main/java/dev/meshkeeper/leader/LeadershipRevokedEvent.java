package dev.meshkeeper.leader;

import org.springframework.context.ApplicationEvent;

/**
 * This instance stopped being the leader of a group: the connection was suspended or lost (published
 * synchronously on Curator's connection-state thread, at the moment of the suspension), it yielded, its readiness
 * went down, it is shutting down, or ZooKeeper gave the latch to another member.
 */
public class LeadershipRevokedEvent extends ApplicationEvent {

    private final String group;

    private final String instanceId;

    private final String reason;

    public LeadershipRevokedEvent(Object source, String group, String instanceId, String reason) {
        super(source);
        this.group = group;
        this.instanceId = instanceId;
        this.reason = reason;
    }

    public String getGroup() {
        return this.group;
    }

    public String getInstanceId() {
        return this.instanceId;
    }

    /** Why: {@code suspended}, {@code lost}, {@code yielded}, {@code not-ready}, {@code shutdown} or {@code latch}. */
    public String getReason() {
        return this.reason;
    }

    @Override
    public String toString() {
        return "LeadershipRevokedEvent[" + this.group + ", " + this.instanceId + ", " + this.reason + "]";
    }
}
