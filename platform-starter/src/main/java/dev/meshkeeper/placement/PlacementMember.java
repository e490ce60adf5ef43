package dev.meshkeeper.placement;

import dev.meshkeeper.zookeeper.ZooKeeperRequests;
import dev.meshkeeper.zookeeper.ZooKeeperUnavailableException;
import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.recipes.cache.ChildData;
import org.apache.curator.framework.recipes.cache.CuratorCache;
import org.apache.curator.framework.recipes.cache.CuratorCacheAccessor;
import org.apache.curator.framework.recipes.cache.CuratorCacheListener;
import org.apache.curator.framework.recipes.leader.LeaderLatch;
import org.apache.curator.framework.recipes.leader.LeaderLatchListener;
import org.apache.curator.framework.recipes.nodes.PersistentNode;
import org.apache.curator.framework.state.ConnectionState;
import org.apache.curator.framework.state.ConnectionStateListener;
import org.apache.curator.utils.ZKPaths;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One member of one work group: the protocol under {@code {root}/{group}}.
 * <ul>
 * <li>{@code members/{member}}: ephemeral (Curator {@link PersistentNode}, re-created after a session loss),
 * data {@code {"weight":n}}.</li>
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
final class PlacementMember implements ConnectionStateListener, LeaderLatchListener {

    private static final Logger logger = LoggerFactory.getLogger(PlacementMember.class);

    enum State {
        LATENT, STARTED, CLOSED
    }

    private final CuratorFramework curator;

    private final ZooKeeperRequests requests;

    private final String group;

    private final String member;

    private final int weight;

    private final List<String> items;

    private final WorkListener listener;

    private final String membersPath;

    private final String ownersPath;

    private final String assignmentPath;

    private final AtomicReference<State> state = new AtomicReference<>(State.LATENT);

    /** Item to token of the items this member works on now. Written on the member's thread only. */
    private final Map<String, Long> owned = new ConcurrentHashMap<>();

    private final AtomicBoolean pending = new AtomicBoolean();

    private final ExecutorService thread;

    private final CuratorCache cache;

    private final PersistentNode memberNode;

    private final LeaderLatch latch;

    private final PlacementLeader leader;

    private final ItemClaims claims;

    private volatile PublishedAssignment seen = PublishedAssignment.NONE;

    private volatile Decoded decoded;

    private long seenAt;

    private boolean settled = true;

    PlacementMember(CuratorFramework curator, ZooKeeperRequests requests, String root, String group, String member,
            int weight, List<String> items, WorkListener listener) {
        this.curator = curator;
        this.requests = requests;
        this.group = group;
        this.member = member;
        this.weight = weight;
        this.items = List.copyOf(items);
        this.listener = listener;
        String base = ZKPaths.makePath(root, group);
        this.membersPath = ZKPaths.makePath(base, "members");
        this.ownersPath = ZKPaths.makePath(base, "owners");
        this.assignmentPath = ZKPaths.makePath(base, "assignment");
        this.thread = Executors.newSingleThreadExecutor(runnable -> {
            Thread worker = new Thread(runnable, "meshkeeper-placement-" + group);
            worker.setDaemon(true);
            return worker;
        });
        this.cache = CuratorCache.build(curator, base);
        this.memberNode = new PersistentNode(curator, CreateMode.EPHEMERAL, false,
                ZKPaths.makePath(this.membersPath, member),
                ("{\"weight\":" + weight + "}").getBytes(StandardCharsets.UTF_8));
        this.latch = new LeaderLatch(curator, ZKPaths.makePath(base, "leader"), member, LeaderLatch.CloseMode.SILENT);
        this.leader = new PlacementLeader(this);
        this.claims = new ItemClaims(curator, requests, this.cache, this.ownersPath, member, group);
    }

    void start() throws Exception {
        if (!this.state.compareAndSet(State.LATENT, State.STARTED)) {
            return;
        }
        this.curator.getConnectionStateListenable().addListener(this);
        this.cache.listenable().addListener(CuratorCacheListener.builder().forAll((type, before, after) -> reconcileSoon())
                .forInitialized(this::reconcileSoon).build());
        this.cache.start();
        this.memberNode.start();
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
        this.curator.getConnectionStateListenable().removeListener(this);
        close(this.memberNode);
        try {
            this.thread.submit(() -> releaseAll(Set.copyOf(this.owned.keySet()), "leaving"))
                    .get(Math.max(1, this.requests.timeout().toMillis()) * (this.owned.size() + 1L),
                            TimeUnit.MILLISECONDS);
        }
        catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException ex) {
            logger.warn("Work group '{}': could not release every item on leaving ({}); the others get them when "
                    + "this session ends", this.group, ex.toString());
        }
        catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
        }
        close(this.latch);
        this.cache.close();
        this.thread.shutdown();
    }

    /** For crash tests: stops acting at once and touches nothing in ZooKeeper (the session expires on its own). */
    void abandon() {
        if (this.state.getAndSet(State.CLOSED) == State.STARTED) {
            this.curator.getConnectionStateListenable().removeListener(this);
            try {
                this.thread.submit(() -> Set.copyOf(this.owned.keySet()).forEach(item -> drop(item, "abandoned")))
                        .get(5, TimeUnit.SECONDS);
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
        return this.state.get() == State.STARTED && this.latch.hasLeadership() && this.requests != null
                && isConnected();
    }

    /** The items this member works on now, with their tokens; the generation and epoch of the assignment seen. */
    Assignment assignment() {
        PublishedAssignment current = this.seen;
        Map<String, Long> tokens = (this.state.get() == State.STARTED && isConnected()) ? Map.copyOf(this.owned)
                : Map.of();
        return new Assignment(this.group, this.member, current.generation(), current.epoch(), tokens);
    }

    PublishedAssignment published() {
        return this.seen;
    }

    @Override
    public void stateChanged(CuratorFramework client, ConnectionState newState) {
        if (newState == ConnectionState.SUSPENDED || newState == ConnectionState.LOST) {
            runOnThread(() -> {
                if (!this.owned.isEmpty()) {
                    logger.warn("Work group '{}': ZooKeeper connection {}; stopped all {} items of this instance "
                            + "until it returns", this.group, newState, this.owned.size());
                }
                Set.copyOf(this.owned.keySet()).forEach(item -> drop(item, "connection " + newState));
            });
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
        logger.debug("No longer leader of work group '{}'", this.group);
    }

    void reconcileSoon() {
        if (this.state.get() == State.STARTED && this.pending.compareAndSet(false, true)) {
            runOnThread(() -> {
                this.pending.set(false);
                reconcile();
            });
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
            PublishedAssignment current = publishedNow();
            if (current.generation() != this.seen.generation() || current.epoch() != this.seen.epoch()) {
                this.seen = current;
                this.seenAt = System.nanoTime();
                this.settled = false;
            }
            Set<String> mine = current.owners().entrySet().stream()
                    .filter(entry -> this.member.equals(entry.getValue())).map(Map.Entry::getKey)
                    .collect(Collectors.toSet());
            releaseAll(this.owned.keySet().stream().filter(item -> !mine.contains(item)).toList(),
                    "reassigned in generation " + current.generation());
            Set<String> keep = new HashSet<>(mine);
            keep.addAll(this.owned.keySet());
            releaseAll(this.claims.stale(keep), "stale claim");
            boolean all = this.claims.claimAll(mine.stream().filter(item -> !this.owned.containsKey(item)).toList(),
                    this::started);
            if (all && !this.settled) {
                this.settled = true;
                this.listener.settled(current.generation(), System.nanoTime() - this.seenAt);
            }
        }
        catch (ZooKeeperUnavailableException ex) {
            logger.debug("Work group '{}': {}; resuming when the connection returns", this.group, ex.getMessage());
        }
        catch (IllegalArgumentException ex) {
            logger.warn("Work group '{}': {}", this.group, ex.getMessage());
        }
        catch (KeeperException ex) {
            logger.debug("Work group '{}': {}; trying again on the next change", this.group, ex.toString());
        }
        catch (RuntimeException ex) {
            if (this.state.get() == State.STARTED) {
                logger.warn("Work group '{}': {}; trying again on the next change", this.group, ex.toString());
            }
        }
    }

    /** The assignment in the cache, decoded once per version. */
    PublishedAssignment publishedNow() {
        ChildData data = this.cache.get(this.assignmentPath).orElse(null);
        if (data == null) {
            return PublishedAssignment.NONE;
        }
        Decoded decoded = this.decoded;
        if (decoded == null || decoded.mzxid() != data.getStat().getMzxid()) {
            decoded = new Decoded(data.getStat().getMzxid(), data.getStat().getVersion(),
                    PublishedAssignment.fromJson(this.assignmentPath, data.getData()));
            this.decoded = decoded;
        }
        return decoded.assignment();
    }

    /** The version of the assignment node {@link #publishedNow()} decoded, -1 when there is none. */
    int publishedVersion() {
        Decoded decoded = this.decoded;
        return (decoded != null && this.cache.get(this.assignmentPath).isPresent()) ? decoded.version() : -1;
    }

    private record Decoded(long mzxid, int version, PublishedAssignment assignment) {
    }

    /** Starts an item whose claim is this session's, unless the member stopped or the connection dropped. */
    private boolean started(String item, long token) {
        if (this.state.get() != State.STARTED || !isConnected()) {
            return false;
        }
        this.owned.put(item, token);
        this.listener.assigned(item, token);
        return true;
    }

    /** Stops the items, then deletes their claims. */
    private void releaseAll(Collection<String> items, String reason) {
        items.forEach(item -> drop(item, reason));
        this.claims.deleteAll(items);
    }

    private void drop(String item, String reason) {
        Long token = this.owned.remove(item);
        if (token != null) {
            this.listener.revoked(item, token, reason);
        }
    }

    // --- for PlacementLeader

    CuratorFramework curator() {
        return this.curator;
    }

    ZooKeeperRequests requests() {
        return this.requests;
    }

    CuratorCache cache() {
        return this.cache;
    }

    LeaderLatch latch() {
        return this.latch;
    }

    String membersPath() {
        return this.membersPath;
    }

    String assignmentPath() {
        return this.assignmentPath;
    }

    WorkListener listener() {
        return this.listener;
    }

    Map<String, Integer> liveMembers() {
        Map<String, Integer> weights = new HashMap<>();
        this.cache.stream().filter(CuratorCacheAccessor.parentPathFilter(this.membersPath)).forEach(data -> weights
                .put(ZKPaths.getNodeFromPath(data.getPath()), PlacementLeader.weightOf(data.getData())));
        return weights;
    }

    private boolean isConnected() {
        return this.curator.getZookeeperClient().isConnected();
    }


    void onThread(Runnable task) {
        runOnThread(task);
    }

    private void runOnThread(Runnable task) {
        try {
            this.thread.execute(task);
        }
        catch (java.util.concurrent.RejectedExecutionException ex) {
            logger.debug("Work group '{}' is closed", this.group);
        }
    }

    private static void close(AutoCloseable closeable) {
        try {
            closeable.close();
        }
        catch (Exception ex) {
            logger.debug("Closing {}: {}", closeable, ex.toString());
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

    /** Waits for the member's thread to finish after {@link #stop()}; for tests and shutdown. */
    boolean awaitStopped(long millis) throws InterruptedException {
        return this.thread.awaitTermination(millis, TimeUnit.MILLISECONDS);
    }
}
