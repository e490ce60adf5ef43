package dev.meshkeeper.lock;

import org.apache.curator.framework.state.ConnectionState;
import org.springframework.context.ApplicationEvent;

/**
 * A lease held by this application was lost because the ZooKeeper connection was suspended or the session lost.
 * Published once per lease, synchronously on Curator's connection-state thread.
 */
public class LockLostEvent extends ApplicationEvent {

    private final String lockName;

    private final long fencingToken;

    private final ConnectionState connectionState;

    public LockLostEvent(Object source, String lockName, long fencingToken, ConnectionState connectionState) {
        super(source);
        this.lockName = lockName;
        this.fencingToken = fencingToken;
        this.connectionState = connectionState;
    }

    public String getLockName() {
        return this.lockName;
    }

    /** The fencing token of the lost lease: writes carrying it may now be refused. */
    public long getFencingToken() {
        return this.fencingToken;
    }

    /** The connection state that voided the lease (SUSPENDED or LOST). */
    public ConnectionState getConnectionState() {
        return this.connectionState;
    }

    @Override
    public String toString() {
        return "LockLostEvent[" + this.lockName + ", token " + this.fencingToken + ", " + this.connectionState + "]";
    }
}
