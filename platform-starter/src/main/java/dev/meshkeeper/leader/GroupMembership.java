package dev.meshkeeper.leader;

import java.io.IOException;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.curator.framework.recipes.leader.LeaderLatch;
import org.apache.curator.framework.recipes.leader.LeaderLatchListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This instance's membership in one leader group: a Curator {@link LeaderLatch} (a new one each time it joins),
 * whether this instance acts as leader, and the watched {@link LatchNodes} that say who leads. Acting requires the latch's leadership, an up connection and the
 * latch node seen to exist after it was granted.
 */
final class GroupMembership implements LeaderLatchListener {

    private static final Logger logger = LoggerFactory.getLogger(GroupMembership.class);

    private final ClusterLeadership leadership;

    private final String group;

    private final String path;

    private final AtomicReference<LeaderLatch> latch = new AtomicReference<>();

    private final AtomicBoolean acting = new AtomicBoolean();

    /** The watched latch nodes of the group while this instance is started. */
    private final AtomicReference<LatchNodes> latchNodes = new AtomicReference<>();

    /** The creation zxid of the latch node with which this instance last became leader (see ClusterLeadership#epoch). */
    private volatile long epoch;

    GroupMembership(ClusterLeadership leadership, String group, String path) {
        this.leadership = leadership;
        this.group = group;
        this.path = path;
    }

    boolean isActing() {
        return this.acting.get();
    }

    synchronized void join() {
        if (this.latch.get() != null) {
            return;
        }
        LeaderLatch joined = new LeaderLatch(this.leadership.curator(), this.path, this.leadership.instanceId(),
                LeaderLatch.CloseMode.SILENT);
        joined.addListener(this, this.leadership.events());
        this.latch.set(joined);
        try {
            joined.start();
            logger.debug("Joined leader group '{}' at {}", this.group, this.path);
        }
        catch (Exception ex) {
            this.latch.set(null);
            throw new IllegalStateException("could not join leader group '" + this.group + "' at " + this.path, ex);
        }
    }

    /** Stops acting as leader, then deletes the latch node so that the next member takes over. */
    synchronized void leave(String reason) {
        revoke(reason);
        LeaderLatch current = this.latch.getAndSet(null);
        if (current != null) {
            try {
                current.close();
            }
            catch (IOException | IllegalStateException ex) {
                logger.debug("Closing the latch of leader group '{}': {}", this.group, ex.toString());
            }
        }
    }

    void revoke(String reason) {
        if (this.acting.compareAndSet(true, false)) {
            logger.info("No longer leader of group '{}' ({})", this.group, reason);
            this.leadership.publish(
                    new LeadershipRevokedEvent(this.leadership, this.group, this.leadership.instanceId(), reason));
        }
    }

    /** After a reconnect, or when the latch says so: lead again only if the own latch node still exists. */
    void recheck() {
        LeaderLatch current = this.latch.get();
        if (current == null || !current.hasLeadership() || !this.leadership.isConnected()) {
            return;
        }
        String ourPath = current.getOurPath();
        long connectionEpoch = this.leadership.connectionEpoch();
        try {
            org.apache.zookeeper.data.Stat node = (ourPath != null)
                    ? this.leadership.curator().checkExists().forPath(ourPath) : null;
            if (node != null) {
                this.epoch = node.getCzxid();
            }
            if (node == null) {
                logger.debug("Latch node {} of group '{}' is gone; waiting for the latch to rejoin", ourPath,
                        this.group);
                return;
            }
        }
        catch (Exception ex) {
            logger.debug("Could not confirm latch node {} of group '{}': {}", ourPath, this.group, ex.toString());
            return;
        }
        // A check answered on an earlier connection proves nothing about the current one.
        if (this.latch.get() == current && current.hasLeadership() && this.leadership.isConnected()
                && this.leadership.connectionEpoch() == connectionEpoch && this.acting.compareAndSet(false, true)) {
            logger.info("Leader of group '{}' ({})", this.group, this.leadership.instanceId());
            this.leadership.publish(
                    new LeadershipGrantedEvent(this.leadership, this.group, this.leadership.instanceId()));
        }
    }

    long epoch() {
        return this.epoch;
    }

    /** Starts watching the group's latch nodes (idempotent). */
    void watch() {
        if (this.latchNodes.get() == null) {
            LatchNodes nodes = new LatchNodes(this.leadership.curator(), this.path);
            if (this.latchNodes.compareAndSet(null, nodes)) {
                nodes.start();
            }
        }
    }

    void unwatch() {
        LatchNodes nodes = this.latchNodes.getAndSet(null);
        if (nodes != null) {
            nodes.close();
        }
    }

    /** The leader as the watch of the latch nodes last saw it, from memory. */
    Optional<String> currentLeader() {
        LatchNodes nodes = this.latchNodes.get();
        return (nodes != null) ? nodes.leader() : Optional.empty();
    }

    @Override
    public void isLeader() {
        recheck();
    }

    /**
     * Curator's latch gives up leadership by itself when the connection is suspended; whichever of its listener and
     * the connection monitor's hears of the suspension first, the reason is {@code suspended} then.
     */
    @Override
    public void notLeader() {
        revoke(this.leadership.curator().getZookeeperClient().isConnected() ? "latch" : "suspended");
    }
}
