package dev.meshkeeper.topology;

import dev.meshkeeper.zookeeper.ZooKeeperConnectionMonitor;
import dev.meshkeeper.zookeeper.ZooKeeperRequests;
import dev.meshkeeper.zookeeper.ZooKeeperUnavailableException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.apache.curator.framework.api.CuratorEvent;
import org.apache.curator.utils.ZKPaths;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.json.JsonMapper;

/**
 * Writes this instance's {@link TopologyReport} into its ephemeral node {@code {root}/{service}/{instance-id}}, on
 * each {@link #tick()} (once per interval) and only when the report {@link TopologyReport#differsFrom differs} from
 * the one last written, so a steady instance writes nothing. While ZooKeeper is not connected nothing is written;
 * the first tick after a (re)connection writes whatever the report, since the node may have gone with an expired
 * session. A node left by an earlier session of the same instance id is replaced by one of this session. The node
 * is created with the application's own ACLs (the Curator client's ACL provider), like its other nodes.
 */
final class TopologyPublisher {

    private static final Logger logger = LoggerFactory.getLogger(TopologyPublisher.class);

    private final ZooKeeperRequests requests;

    private final ZooKeeperConnectionMonitor monitor;

    private final String root;

    private final Supplier<TopologyReport> reports;

    private final JsonMapper json = JsonMapper.builder().build();

    private final AtomicReference<Written> written = new AtomicReference<>();

    private final AtomicLong writes = new AtomicLong();

    /** The refusal last warned about, so a lasting one is logged once. */
    private final AtomicReference<KeeperException.Code> warned = new AtomicReference<>();

    TopologyPublisher(ZooKeeperRequests requests, ZooKeeperConnectionMonitor monitor, String root,
            Supplier<TopologyReport> reports) {
        this.requests = requests;
        this.monitor = monitor;
        this.root = root;
        this.reports = reports;
    }

    /**
     * Writes the report when it changed.
     * @return whether it was written
     */
    boolean tick() {
        if (!this.monitor.isConnected()) {
            return false;
        }
        TopologyReport report = this.reports.get();
        if (report == null) {
            return false;
        }
        long epoch = this.monitor.epoch();
        String path = ZKPaths.makePath(this.root, report.service(), report.instance());
        Written last = this.written.get();
        boolean fresh = last == null || last.epoch() != epoch || !last.path().equals(path);
        if (!fresh && !report.differsFrom(last.report())) {
            return false;
        }
        try {
            if (last != null && !last.path().equals(path)) {
                delete(last.path());
            }
            write(path, this.json.writeValueAsBytes(report), fresh);
        }
        catch (ZooKeeperUnavailableException ex) {
            logger.debug("Topology not written (" + ex.getMessage() + "); the next tick after the reconnection does");
            return false;
        }
        catch (KeeperException ex) {
            if (this.warned.getAndSet(ex.code()) != ex.code()) {
                logger.warn("Topology node " + path + " could not be written (" + ex.code() + "); the registry's "
                        + "service map misses this instance until it can. With ZooKeeper authentication on, the "
                        + "registry must open " + this.root + " to applications (a registry server does); the next "
                        + "tick retries");
            }
            else {
                logger.debug("Topology node " + path + " not written (" + ex.code() + "); the next tick retries");
            }
            this.written.set(null);
            return false;
        }
        this.warned.set(null);
        this.written.set(new Written(path, epoch, report));
        this.writes.incrementAndGet();
        return true;
    }

    /** Writes into the node; the first write of a connection also makes sure the node is this session's. */
    private void write(String path, byte[] bytes, boolean checkOwner) throws KeeperException {
        try {
            CuratorEvent set = this.requests.call("set", path, (client, callback) -> client.setData()
                    .inBackground(callback).forPath(path, bytes));
            if (!checkOwner || set.getStat() == null || set.getStat().getEphemeralOwner() == sessionId()) {
                return;
            }
            // left by an earlier session of this instance id: it would vanish when that session expires
            this.requests.call("delete", path, (client, callback) -> client.delete().inBackground(callback)
                    .forPath(path));
        }
        catch (KeeperException.NoNodeException ex) {
            // not there yet (or gone with an expired session): created below
        }
        this.requests.call("create", path, (client, callback) -> client.create().creatingParentContainersIfNeeded()
                .withMode(CreateMode.EPHEMERAL).inBackground(callback).forPath(path, bytes));
    }

    /** Deletes the node last written under another path (the instance id changed). */
    private void delete(String old) {
        try {
            this.requests.call("delete", old, (client, callback) -> client.delete().inBackground(callback)
                    .forPath(old));
        }
        catch (KeeperException | ZooKeeperUnavailableException ex) {
            logger.debug("Old topology node " + old + " not deleted: " + ex.getMessage());
        }
    }

    /** Deletes this instance's node (on shutdown); it would go with the session anyway. */
    void withdraw() {
        Written last = this.written.getAndSet(null);
        if (last == null || !this.monitor.isConnected()) {
            return;
        }
        try {
            this.requests.call("delete", last.path(), (client, callback) -> client.delete().inBackground(callback)
                    .forPath(last.path()));
        }
        catch (KeeperException | ZooKeeperUnavailableException ex) {
            logger.debug("Topology node " + last.path() + " not deleted on shutdown; it goes with the session");
        }
    }

    /** How many times the node was written since start. */
    long writes() {
        return this.writes.get();
    }

    /** The report last written, or {@code null}. */
    TopologyReport lastWritten() {
        Written last = this.written.get();
        return (last != null) ? last.report() : null;
    }

    private long sessionId() {
        try {
            return this.requests.curator().getZookeeperClient().getZooKeeper().getSessionId();
        }
        catch (Exception ex) {
            return 0;
        }
    }

    private record Written(String path, long epoch, TopologyReport report) {
    }
}
