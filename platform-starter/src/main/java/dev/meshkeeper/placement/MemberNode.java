package dev.meshkeeper.placement;

import java.time.Duration;
import java.util.function.DoubleSupplier;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.recipes.nodes.PersistentNode;
import org.apache.zookeeper.CreateMode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A member's own node {@code {group}/members/{member}}: ephemeral (Curator {@link PersistentNode}, re-created after
 * a session loss) with its {@link MemberData}. When the instance publishes its load, {@link #refreshLoad()} rewrites
 * the node only when the load crossed one of the steps that change the member's share and two checks in a row saw
 * it there (a start-up or a burst of a few seconds moves nothing), so a steady member writes nothing and the leader
 * reassigns nothing.
 */
final class MemberNode implements AutoCloseable {

    private static final Logger logger = LoggerFactory.getLogger(MemberNode.class);

    private final PersistentNode node;

    private final int weight;

    private final Load load;

    private int factor = MemberData.factor(Double.NaN);

    /** A new factor seen at the last check and not yet written: it is written when the next check sees it too. */
    private int candidate = this.factor;

    /**
     * Where a member's published load comes from and how often it is looked at.
     * @param source the instance's current load in [0, 1], NaN when unknown
     */
    record Load(DoubleSupplier source, Duration every) {
    }

    MemberNode(CuratorFramework curator, String path, int weight, Load load) {
        this.weight = weight;
        this.load = load;
        this.node = new PersistentNode(curator, CreateMode.EPHEMERAL, false, path, MemberData.of(weight).toJson());
    }

    void start() {
        this.node.start();
    }

    /** The interval at which {@link #refreshLoad()} should run, {@code null} when the member publishes no load. */
    Duration loadInterval() {
        return (this.load != null) ? this.load.every() : null;
    }

    /** Rewrites the node when the load crossed a step since the last write; on the member's thread. */
    void refreshLoad() {
        if (this.load == null) {
            return;
        }
        double current = this.load.source().getAsDouble();
        int next = MemberData.factor(current);
        boolean confirmed = next == this.candidate;
        this.candidate = next;
        if (next == this.factor || !confirmed) {
            return;
        }
        try {
            this.node.setData(new MemberData(this.weight, current).toJson());
            logger.debug("Work group member {}: load {} changes its share factor from {} to {}",
                    this.node.getActualPath(), current, this.factor, next);
            this.factor = next;
        }
        catch (Exception ex) {
            logger.debug("Could not publish the load of work group member {}: {}; the next check tries again",
                    this.node.getActualPath(), ex.toString());
        }
    }

    @Override
    public void close() throws Exception {
        this.node.close();
    }
}
