package dev.meshkeeper.leader;

import dev.meshkeeper.zookeeper.ZooKeeperRequests;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.curator.framework.recipes.leader.LeaderLatch;
import org.apache.curator.framework.recipes.leader.LeaderLatchListener;
import org.apache.curator.framework.recipes.leader.Participant;
import org.apache.curator.framework.recipes.locks.LockInternals;
import org.apache.curator.framework.recipes.locks.StandardLockInternalsDriver;
import org.apache.curator.utils.ZKPaths;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This instance's membership in one leader group: a Curator {@link LeaderLatch} (a new one each time it joins)
 * and whether this instance acts as leader. Acting requires the latch's leadership, an up connection and the
 * latch node seen to exist after it was granted.
 */
final class GroupMembership implements LeaderLatchListener {

    private static final Logger logger = LoggerFactory.getLogger(GroupMembership.class);

    /** The name Curator's {@code LeaderLatch} gives its sequential nodes. */
    private static final String LATCH_NODE_NAME = "latch-";

    private final ClusterLeadership leadership;

    private final String group;

    private final String path;

    private final AtomicReference<LeaderLatch> latch = new AtomicReference<>();

    private final AtomicBoolean acting = new AtomicBoolean();

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
        if (this.latch.get() == current && current.hasLeadership() && this.leadership.isConnected()
                && this.acting.compareAndSet(false, true)) {
            logger.info("Leader of group '{}' ({})", this.group, this.leadership.instanceId());
            this.leadership.publish(
                    new LeadershipGrantedEvent(this.leadership, this.group, this.leadership.instanceId()));
        }
    }

    long epoch() {
        return this.epoch;
    }

    Optional<String> currentLeader() {
        LeaderLatch current = this.latch.get();
        if (current == null || !this.leadership.isConnected()) {
            return Optional.empty();
        }
        ZooKeeperRequests requests = this.leadership.requests();
        try {
            if (requests == null) {
                Participant leader = current.getLeader();
                return (leader != null && leader.isLeader()) ? Optional.of(leader.getId()) : Optional.empty();
            }
            return leaderNode(requests);
        }
        catch (Exception ex) {
            logger.debug("Could not read the leader of group '{}': {}", this.group, ex.toString());
            return Optional.empty();
        }
    }

    /** The data of the lowest latch node, as Curator's {@code LeaderLatch} orders them, each read bounded. */
    private Optional<String> leaderNode(ZooKeeperRequests requests) throws Exception {
        List<String> children = requests.call("read the latch nodes of", this.path,
                (client, callback) -> client.getChildren().inBackground(callback).forPath(this.path)).getChildren();
        List<String> sorted = LockInternals.getSortedChildren(LATCH_NODE_NAME,
                StandardLockInternalsDriver::standardFixForSorting, children);
        if (sorted.isEmpty()) {
            return Optional.empty();
        }
        String first = ZKPaths.makePath(this.path, sorted.get(0));
        byte[] id = requests.call("read the leader of", first,
                (client, callback) -> client.getData().inBackground(callback).forPath(first)).getData();
        return (id != null && id.length > 0) ? Optional.of(new String(id, StandardCharsets.UTF_8)) : Optional.empty();
    }

    @Override
    public void isLeader() {
        recheck();
    }

    @Override
    public void notLeader() {
        revoke("latch");
    }
}
