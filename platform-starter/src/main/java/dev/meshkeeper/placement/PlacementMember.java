package dev.meshkeeper.placement;

import dev.meshkeeper.zookeeper.ZooKeeperConnectionMonitor;
import dev.meshkeeper.zookeeper.ZooKeeperRequests;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.recipes.leader.LeaderLatch;
import org.apache.curator.framework.recipes.leader.LeaderLatchListener;
import org.apache.curator.framework.state.ConnectionState;
import org.apache.curator.utils.ZKPaths;
import org.apache.zookeeper.KeeperException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One member of one work group: the protocol under {@code {root}/{group}}.
 * <ul>
 * <li>{@code members/{member}}: ephemeral ({@link MemberNode}, re-created after a session loss), data
 * {@code {"weight":n}} plus {@code "load"} when the instance publishes its load.</li>
 * <li>{@code leader/}: the group's Curator {@link LeaderLatch}. The leader computes the assignment with
 * {@link PlacementBalancer} and writes {@code assignment} in one transaction that also checks that its latch node
 * still exists, so a deposed leader cannot write. Its leadership epoch is the creation zxid of its latch node: the
 * leader is always the oldest latch node, so every successor's node was created later and the epoch grows with
 * every leadership change, with no extra write.</li>
 * <li>{@code owners/{item}}: ephemeral claim of the member that works on the item. A member starts an item only once
 * it created the claim; it deletes the claim only after it stopped the item. Hence a moved item is released (or its
 * owner's session expired) before the new owner starts it. The claim's creation zxid is the item's fencing token: it
 * grows with every new owner.</li>
 * </ul>
 * Every reaction runs on one thread per member. While the connection is SUSPENDED or LOST the member stops all its
 * items at once (fail closed); when it reconnects with the same session its claims still exist and it resumes the
 * same items with the same tokens.
 */
final class PlacementMember implements LeaderLatchListener {

    private static final Logger logger = LoggerFactory.getLogger(PlacementMember.class);

    enum State { LATENT, STARTED, CLOSED }

    /** A burst of changes within this time is reacted to once. */
    private static final long COALESCE_MILLIS = 5;

    private final CuratorFramework curator;

    private final ZooKeeperRequests requests;

    private volatile ZooKeeperConnectionMonitor.Subscription connection = () -> { };

    private final String group;

    private final String member;

    private final int weight;

    private final List<String> items;

    private final AtomicReference<State> state = new AtomicReference<>(State.LATENT);

    private final OwnedItems owned;

    private final AtomicBoolean pending = new AtomicBoolean();

    private final MemberThread thread;

    private final GroupView view;

    private final MemberNode memberNode;

    private final LeaderLatch latch;

    private final PlacementLeader leader;

    private final ItemClaims claims;

    private final AssignmentFollower follower;

    private final ReconcileRetry retry;

    PlacementMember(CuratorFramework curator, ZooKeeperRequests requests, String root, String group, String member,
            int weight, List<String> items, WorkListener listener) {
        this(curator, requests, root, group, member, weight, items, listener, null);
    }

    /** With {@code load}, the member publishes its load and its share follows it ({@link MemberData}). */
    PlacementMember(CuratorFramework curator, ZooKeeperRequests requests, String root, String group, String member,
            int weight, List<String> items, WorkListener listener, MemberNode.Load load) {
        this.curator = curator;
        this.requests = requests;
        this.group = group;
        this.member = member;
        this.weight = weight;
        this.items = List.copyOf(items);
        String base = ZKPaths.makePath(root, group);
        this.view = new GroupView(curator, base);
        this.thread = new MemberThread(group);
        this.memberNode = new MemberNode(curator, ZKPaths.makePath(this.view.membersPath(), member), weight, load);
        this.latch = new LeaderLatch(curator, ZKPaths.makePath(base, "leader"), member, LeaderLatch.CloseMode.SILENT);
        this.leader = new PlacementLeader(this, listener);
        this.claims = new ItemClaims(curator, requests, this.view, member, group, this::reconcileSoon);
        this.owned = new OwnedItems(group, listener, this.claims);
        this.follower = new AssignmentFollower(member, this.owned, this.claims, listener, this::started);
        this.retry = new ReconcileRetry(group, this.thread, this::reconcile);
    }

    void start() throws Exception {
        if (!this.state.compareAndSet(State.LATENT, State.STARTED)) {
            return;
        }
        this.connection = this.requests.monitor().subscribe(this::connectionChanged);
        this.view.onChange(this::reconcileSoon);
        this.view.start();
        this.memberNode.start();
        if (this.memberNode.loadInterval() != null) {
            this.thread.every(this.memberNode.loadInterval(), this.memberNode::refreshLoad);
        }
        this.latch.addListener(this, this.thread);
        this.latch.start();
        logger.debug("Joined work group '{}' as {} (weight {}, {} items)", this.group, this.member, this.weight,
                this.items.size());
    }

    /**
     * Graceful leave: stops every item and deletes its claim, leaves the members and the latch; the leader hands the
     * items to the remaining members at once.
     */
    void stop() {
        if (!this.state.compareAndSet(State.STARTED, State.CLOSED)) {
            return;
        }
        this.connection.close();
        closeQuietly(this.memberNode);
        try {
            this.thread.runAndWait(() -> this.owned.releaseAll("leaving"),
                    Math.max(1, this.requests.timeout().toMillis()) * (this.owned.size() + 1L));
        }
        catch (ExecutionException | TimeoutException ex) {
            logger.warn("Work group '{}': could not release every item on leaving ({}); the others get them when "
                    + "this session ends", this.group, ex.toString());
        }
        catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
        }
        closeQuietly(this.latch);
        this.view.close();
        this.thread.shutdown();
    }

    /** For crash tests: stops acting at once and touches nothing in ZooKeeper (the session expires on its own). */
    void abandon() {
        if (this.state.getAndSet(State.CLOSED) == State.STARTED) {
            this.connection.close();
            try {
                this.thread.runAndWait(() -> this.owned.stopAll("abandoned"), 5000);
            }
            catch (Exception ex) {
                logger.debug("Work group '{}': abandoning: {}", this.group, ex.toString());
            }
            this.thread.shutdownNow();
        }
    }

    String group() {
        return this.group;
    }

    String member() {
        return this.member;
    }

    int weight() {
        return this.weight;
    }

    List<String> items() {
        return this.items;
    }

    boolean leads() {
        return this.state.get() == State.STARTED && this.latch.hasLeadership() && isConnected();
    }

    /** The items this member works on now, with their tokens; the generation and epoch of the assignment seen. */
    Assignment assignment() {
        PublishedAssignment current = this.follower.seen();
        Map<String, Long> tokens = (this.state.get() == State.STARTED && isConnected()) ? this.owned.tokens()
                : Map.of();
        return new Assignment(this.group, this.member, current.generation(), current.epoch(), tokens);
    }

    PublishedAssignment published() {
        return this.follower.seen();
    }

    private void connectionChanged(CuratorFramework client, ConnectionState newState) {
        if (newState == ConnectionState.SUSPENDED || newState == ConnectionState.LOST) {
            this.thread.execute(() -> this.owned.stopAllWhile(newState));
        }
        else if (newState.isConnected()) {
            reconcileSoon();
        }
    }

    @Override
    public void isLeader() {
        reconcileSoon();
    }

    @Override
    public void notLeader() {
        logger.debug("No longer leader of work group '{}' ({})", this.group, this.member);
    }

    void reconcileSoon() {
        if (this.state.get() == State.STARTED && this.pending.compareAndSet(false, true)) {
            this.thread.schedule(() -> {
                this.pending.set(false);
                reconcile();
            }, COALESCE_MILLIS);
        }
    }

    private void reconcile() {
        if (this.state.get() != State.STARTED || !isConnected()) {
            return;
        }
        try {
            if (this.latch.hasLeadership()) {
                this.leader.lead();
            }
            this.retry.succeeded(this.follower.follow(this.view.published()));
        }
        catch (IllegalArgumentException ex) {
            logger.warn("Work group '{}': {}", this.group, ex.getMessage());
        }
        catch (KeeperException | RuntimeException ex) {
            if (this.state.get() == State.STARTED) {
                this.retry.failed(ex);
            }
        }
    }

    /** Starts an item whose claim is this session's, unless the member stopped or the connection dropped. */
    private boolean started(String item, long token) {
        if (this.state.get() != State.STARTED || !isConnected()) {
            return false;
        }
        this.owned.start(item, token);
        return true;
    }

    /** Failed reactions since the last one that succeeded (each tried again on a timer). */
    int failures() {
        return this.retry.failures();
    }

    ZooKeeperRequests requests() {
        return this.requests;
    }

    GroupView view() {
        return this.view;
    }

    LeaderLatch latch() {
        return this.latch;
    }

    private boolean isConnected() {
        return this.curator.getZookeeperClient().isConnected();
    }

    void onThread(Runnable task) {
        this.thread.execute(task);
    }

    private void closeQuietly(AutoCloseable closeable) {
        try {
            closeable.close();
        }
        catch (Exception ex) {
            logger.debug("Work group '{}': closing {}: {}", this.group, closeable, ex.toString());
        }
    }

    Optional<String> currentLeader() {
        try {
            return Optional.ofNullable(this.latch.getLeader()).filter(p -> p.isLeader()).map(p -> p.getId());
        }
        catch (Exception ex) {
            return Optional.empty();
        }
    }
}
