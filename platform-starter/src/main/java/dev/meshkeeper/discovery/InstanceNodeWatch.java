package dev.meshkeeper.discovery;

import java.io.Closeable;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.recipes.cache.ChildData;
import org.apache.curator.framework.recipes.watch.PersistentWatcher;
import org.apache.curator.utils.ZKPaths;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.Op;
import org.apache.zookeeper.OpResult;
import org.apache.zookeeper.WatchedEvent;
import org.apache.zookeeper.Watcher;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The watch on one service's registration nodes ({@code <root>/<service>/<instance-id>}): Curator's
 * {@link PersistentWatcher} (a persistent recursive watch, set again by Curator whenever the connection returns) and
 * a full read each time the watch is set: one {@code getChildren}, then the nodes' data in multi-reads of
 * {@value #BATCH} nodes (ZooKeeper 3.6+ {@code multiRead}, on the application's connection). Between full reads,
 * each created or changed node is read once and a deleted one is removed.
 * <p>
 * A full read reports every node it finds (changed or not) and, as deleted, every node known before that is gone,
 * so a node deleted and created again while the connection was away is read again too. Everything is handed to the
 * {@link Nodes} on Curator's single notification thread, in the order ZooKeeper answered, so no change can overtake
 * an earlier one. A multi-read that loses the connection halves this watch's batch (an answer larger than the
 * client's {@code jute.maxbuffer}, from very large nodes, drops the connection); one that fails otherwise (a server
 * older than 3.6) makes it read its nodes one at a time from then on.
 */
final class InstanceNodeWatch implements Closeable {

    /** How many nodes one multi-read asks for: registrations are small, the answer stays far below jute.maxbuffer. */
    static final int BATCH = 100;

    private static final Logger logger = LoggerFactory.getLogger(WatchedInstances.class);

    /** Hears what the watch learns, always on Curator's notification thread, one call at a time. */
    interface Nodes {

        /** Nodes read (created, changed, or read again by a full read). */
        void read(List<ChildData> nodes);

        /** A node is gone. */
        void deleted(String path);

        /** The first full read completed. */
        void loaded();
    }

    private final CuratorFramework curator;

    private final String path;

    private final Nodes nodes;

    private final PersistentWatcher watcher;

    /** The instance ids whose node is known to exist; touched only on Curator's notification thread. */
    private final Set<String> present = new HashSet<>();

    private final AtomicBoolean loaded = new AtomicBoolean();

    /**
     * How many nodes a multi-read asks for: halved each time one loses the connection (an answer larger than the
     * client's {@code jute.maxbuffer} drops it), 1 (one plain read per node) after any other failure.
     */
    private final AtomicInteger batch = new AtomicInteger(BATCH);

    private final AtomicBoolean closed = new AtomicBoolean();

    InstanceNodeWatch(CuratorFramework curator, String path, Nodes nodes) {
        this.curator = curator;
        this.path = path;
        this.nodes = nodes;
        this.watcher = new PersistentWatcher(curator, path, true);
        this.watcher.getListenable().addListener(this::changed);
        this.watcher.getResetListenable().addListener(this::readAll);
    }

    void start() {
        this.watcher.start();
    }

    @Override
    public void close() {
        if (this.closed.compareAndSet(false, true)) {
            this.watcher.close();
        }
    }

    private void changed(WatchedEvent event) {
        String node = event.getPath();
        if (this.closed.get() || node == null || !this.path.equals(ZKPaths.getPathAndNode(node).getPath())) {
            return;
        }
        if (event.getType() == Watcher.Event.EventType.NodeDeleted) {
            notify(() -> {
                this.present.remove(ZKPaths.getNodeFromPath(node));
                this.nodes.deleted(node);
            });
        }
        else if (event.getType() == Watcher.Event.EventType.NodeCreated
                || event.getType() == Watcher.Event.EventType.NodeDataChanged) {
            readOne(node, null);
        }
    }

    /** Reads every node of the service; the watch is set (again) already, so no later change is missed. */
    private void readAll() {
        if (this.closed.get()) {
            return;
        }
        try {
            this.curator.getChildren().inBackground((client, event) -> {
                if (event.getResultCode() == KeeperException.Code.NONODE.intValue()) {
                    notify(() -> settle(List.of()));
                    notify(this::markLoaded);
                }
                else if (event.getResultCode() == KeeperException.Code.OK.intValue()) {
                    List<String> children = event.getChildren();
                    notify(() -> settle(children));
                    readData(children);
                }
                else {
                    logger.debug("Could not list the instances under {} ({}); read again when the connection returns",
                            this.path, KeeperException.Code.get(event.getResultCode()));
                }
            }).forPath(this.path);
        }
        catch (Exception ex) {
            logger.debug("Could not list the instances under " + this.path, ex);
        }
    }

    /** Reports as deleted the known nodes a full read no longer lists. */
    private void settle(List<String> children) {
        Set<String> gone = new HashSet<>(this.present);
        children.forEach(gone::remove);
        for (String id : gone) {
            this.present.remove(id);
            this.nodes.deleted(ZKPaths.makePath(this.path, id));
        }
    }

    private void readData(List<String> children) {
        if (children.isEmpty()) {
            notify(this::markLoaded);
            return;
        }
        int size = this.batch.get();
        AtomicInteger remaining = new AtomicInteger((children.size() + size - 1) / size);
        Runnable batchDone = () -> {
            if (remaining.decrementAndGet() == 0) {
                notify(this::markLoaded);
            }
        };
        for (int from = 0; from < children.size(); from += size) {
            List<String> ids = children.subList(from, Math.min(children.size(), from + size));
            if (size == 1) {
                readOne(ZKPaths.makePath(this.path, ids.get(0)), batchDone);
            }
            else {
                readBatch(ids, batchDone);
            }
        }
    }

    private void readBatch(List<String> ids, Runnable done) {
        List<Op> reads = new ArrayList<>(ids.size());
        String parent = ZKPaths.fixForNamespace(this.curator.getNamespace(), this.path);
        ids.forEach((id) -> reads.add(Op.getData(ZKPaths.makePath(parent, id))));
        try {
            this.curator.getZookeeperClient().getZooKeeper().multi(reads, (rc, ignored, context, results) -> {
                if (rc == KeeperException.Code.OK.intValue() && results != null && results.size() == ids.size()) {
                    notify(() -> apply(ids, results));
                    done.run();
                }
                else if (rc == KeeperException.Code.CONNECTIONLOSS.intValue()) {
                    int smaller = this.batch.updateAndGet((size) -> Math.max(1, size / 2));
                    logger.debug("Lost the connection while reading the instances under {}; read again, {} at a "
                            + "time, when it returns", this.path, smaller);
                }
                else if (rc == KeeperException.Code.SESSIONEXPIRED.intValue()) {
                    logger.debug("The session expired while reading the instances under {}; read again when it "
                            + "is back", this.path);
                }
                else {
                    logger.debug("A multi-read under {} failed ({}); reading its nodes one at a time", this.path,
                            KeeperException.Code.get(rc));
                    this.batch.set(1);
                    AtomicInteger left = new AtomicInteger(ids.size());
                    ids.forEach((id) -> readOne(ZKPaths.makePath(this.path, id), () -> {
                        if (left.decrementAndGet() == 0) {
                            done.run();
                        }
                    }));
                }
            }, null);
        }
        catch (Exception ex) {
            logger.debug("Could not read the instances under " + this.path, ex);
        }
    }

    private void apply(List<String> ids, List<OpResult> results) {
        List<ChildData> read = new ArrayList<>(ids.size());
        for (int i = 0; i < ids.size(); i++) {
            String node = ZKPaths.makePath(this.path, ids.get(i));
            if (results.get(i) instanceof OpResult.GetDataResult data) {
                this.present.add(ids.get(i));
                read.add(new ChildData(node, data.getStat(), data.getData()));
            }
            else if (this.present.remove(ids.get(i))) {
                this.nodes.deleted(node); // gone since the list was read
            }
        }
        this.nodes.read(read);
    }

    /** Reads one node; {@code done} (if any) runs once the answer is in, whatever it is. */
    private void readOne(String node, Runnable done) {
        try {
            this.curator.getData().inBackground((client, event) -> {
                if (event.getResultCode() == KeeperException.Code.OK.intValue()) {
                    ChildData data = new ChildData(node, event.getStat(), event.getData());
                    notify(() -> {
                        this.present.add(ZKPaths.getNodeFromPath(node));
                        this.nodes.read(List.of(data));
                    });
                }
                else if (event.getResultCode() == KeeperException.Code.NONODE.intValue()) {
                    notify(() -> {
                        if (this.present.remove(ZKPaths.getNodeFromPath(node))) {
                            this.nodes.deleted(node);
                        }
                    });
                }
                if (done != null && event.getResultCode() != KeeperException.Code.CONNECTIONLOSS.intValue()) {
                    done.run();
                }
            }).forPath(node);
        }
        catch (Exception ex) {
            logger.debug("Could not read " + node, ex);
        }
    }

    private void markLoaded() {
        if (this.loaded.compareAndSet(false, true)) {
            this.nodes.loaded();
        }
    }

    /** Runs on Curator's single notification thread, after everything handed to it before. */
    private void notify(Runnable action) {
        if (this.closed.get()) {
            return;
        }
        this.curator.runSafe(() -> {
            if (!this.closed.get()) {
                action.run();
            }
        });
    }
}
