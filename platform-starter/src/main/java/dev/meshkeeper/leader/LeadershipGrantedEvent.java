package dev.meshkeeper.leader;

import org.springframework.context.ApplicationEvent;

/**
 * This instance became the leader of a group: ZooKeeper granted it the latch, the connection is up and its latch
 * node was seen to exist. Published on Meshkeeper's leadership thread.
 */
public class LeadershipGrantedEvent extends ApplicationEvent {

    private final String group;

    private final String instanceId;

    public LeadershipGrantedEvent(Object source, String group, String instanceId) {
        super(source);
        this.group = group;
        this.instanceId = instanceId;
    }

    public String getGroup() {
        return this.group;
    }

    public String getInstanceId() {
        return this.instanceId;
    }

    @Override
    public String toString() {
        return "LeadershipGrantedEvent[" + this.group + ", " + this.instanceId + "]";
    }
}
