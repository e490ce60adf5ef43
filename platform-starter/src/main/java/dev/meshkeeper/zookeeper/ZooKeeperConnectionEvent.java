package dev.meshkeeper.zookeeper;

import org.apache.curator.framework.state.ConnectionState;
import org.springframework.context.ApplicationEvent;

/**
 * The application's ZooKeeper connection changed state. Published synchronously on Curator's connection-state
 * thread, in the order Curator reports the changes: keep listeners short.
 * <ul>
 * <li>{@code SUSPENDED}: the connection dropped; the session may still be alive. Locks and leadership must be
 * treated as lost from this moment.</li>
 * <li>{@code LOST}: the session is gone (expired, or not re-established within the session timeout); ephemeral
 * nodes, registrations included, are gone with it.</li>
 * <li>{@code RECONNECTED}: connected again (after {@code LOST}, with a new session).</li>
 * </ul>
 */
public class ZooKeeperConnectionEvent extends ApplicationEvent {

    private final ConnectionState previousState;

    private final ConnectionState state;

    public ZooKeeperConnectionEvent(Object source, ConnectionState previousState, ConnectionState state) {
        super(source);
        this.previousState = previousState;
        this.state = state;
    }

    /** The state before this change, or {@code null} if none was known. */
    public ConnectionState getPreviousState() {
        return this.previousState;
    }

    public ConnectionState getState() {
        return this.state;
    }

    @Override
    public String toString() {
        return "ZooKeeperConnectionEvent[" + this.previousState + " -> " + this.state + "]";
    }
}
