package dev.meshkeeper.placement;

import dev.meshkeeper.zookeeper.ZooKeeperRequests;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.DoubleSupplier;
import java.util.function.Supplier;
import java.util.stream.IntStream;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.utils.PathUtils;
import org.apache.curator.utils.ZKPaths;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.SmartLifecycle;

/**
 * Shares named work across the live instances of an application. A work group (declared with
 * {@code meshkeeper.placement.groups.<group>.partitions}, or at run time with {@link #declare}) has items; every
 * instance that declares the group is a member; the group's leader assigns each item to one member, balanced by the
 * members' weights (equal members differ by at most one item) and sticky (a change moves as few items as possible;
 * a leader change moves none).
 * <p>
 * Guarantees:
 * <ul>
 * <li>An item is started ({@link WorkAssignedEvent}, {@link ItemWorker#start}) only after its previous owner
 * stopped it ({@link WorkRevokedEvent}, the worker's handle closed) or that owner's ZooKeeper session ended.</li>
 * <li>Each start carries a fencing token that is higher than every earlier owner's token of the item.</li>
 * <li>When the connection is SUSPENDED or LOST every item stops at once ({@link #assignment} is empty from that
 * moment, revocations follow): no work runs while ZooKeeper cannot confirm ownership. When the connection returns
 * with the same session, the same items resume with the same tokens; nothing new is assigned during the
 * outage.</li>
 * <li>On shutdown (among the first beans to stop) every item is stopped and released, so the remaining members take
 * them over at once; a crashed instance's items move when its session expires.</li>
 * </ul>
 * A process that is paused (garbage collection, a frozen VM) longer than its session timeout may still believe it
 * owns an item after the next owner started it: the next owner's token is higher, so a resource that refuses
 * tokens lower than the highest it has seen refuses the late writer.
 */
public class WorkPlacement implements SmartLifecycle {

    private final CuratorFramework curator;

    private final ZooKeeperRequests requests;

    private final String root;

    private final Supplier<String> instanceId;

    private final int defaultWeight;

    private final ApplicationEventPublisher publisher;

    private final MeterRegistry meters;

    private final ConcurrentMap<String, Declared> groups = new ConcurrentHashMap<>();

    private final AtomicReference<Boolean> running = new AtomicReference<>(false);

    private volatile MemberNode.Load load;

    public WorkPlacement(CuratorFramework curator, ZooKeeperRequests requests, PlacementProperties properties,
            Supplier<String> instanceId, int defaultWeight, ApplicationEventPublisher publisher, MeterRegistry meters) {
        this.curator = curator;
        this.requests = requests;
        this.root = properties.getRoot();
        this.instanceId = instanceId;
        this.defaultWeight = defaultWeight;
        this.publisher = publisher;
        this.meters = meters;
        properties.getGroups().forEach((group, declared) -> {
            String key = "meshkeeper.placement.groups." + group;
            Integer partitions = declared.getPartitions();
            if (partitions == null || partitions < 1) {
                throw new InvalidConfigurationPropertyValueException(key + ".partitions", partitions,
                        "a work group needs 1 or more partitions; write e.g. " + key + ".partitions=12");
            }
            Integer weight = declared.getWeight();
            if (weight != null && weight < 1) {
                throw new InvalidConfigurationPropertyValueException(key + ".weight", weight,
                        "a member's weight must be 1 or more; write e.g. " + key + ".weight=1, or leave it unset");
            }
            declare(group, partitions(partitions), (weight != null) ? weight : defaultWeight);
        });
    }

    /**
     * Declares a work group at run time with its items, joined at once if the application runs.
     * @throws IllegalArgumentException for an empty item list, a weight below 1 or a name that is not one znode
     * @throws IllegalStateException when the group is declared already (by property or an earlier call)
     */
    public void declare(String group, List<String> items, int weight) {
        validateName(group);
        if (items == null || items.isEmpty()) {
            throw new IllegalArgumentException("work group '" + group + "' has no items; declare 1 or more, or set "
                    + "meshkeeper.placement.groups." + group + ".partitions");
        }
        if (items.stream().anyMatch(item -> item == null || item.isEmpty() || item.indexOf('/') >= 0)) {
            throw new IllegalArgumentException("work group '" + group + "' has an empty item or one with '/' in "
                    + items + "; items are znode names such as '0' or 'invoices-eu'");
        }
        if (weight < 1) {
            throw new IllegalArgumentException("weight " + weight + " of work group '" + group + "' must be 1 or "
                    + "more");
        }
        Declared declared = new Declared(group, List.copyOf(new LinkedHashSet<>(items)), weight,
                new GroupWork(this, group, this.publisher, this.meters));
        if (this.groups.putIfAbsent(group, declared) != null) {
            throw new IllegalStateException("work group '" + group + "' is declared twice; declare it once, either "
                    + "as meshkeeper.placement.groups." + group + ".partitions or with WorkPlacement.declare");
        }
        if (this.running.get()) {
            declared.join(this.curator, this.requests, this.root, this.instanceId.get(), this.load);
        }
    }

    /**
     * What this instance owns in the group now: its items, the assignment's generation and a token per item.
     * Empty while the connection to ZooKeeper is not up.
     * @throws IllegalArgumentException for a group this instance has not declared
     */
    public Assignment assignment(String group) {
        return declared(group).assignment(this.instanceId.get());
    }

    /** Runs the worker for every item of the group while this instance owns it (see {@link ItemWorker}). */
    public void forEachItem(String group, ItemWorker worker) {
        declared(group).addWorker(worker);
    }

    /** The groups this instance declared. */
    public List<String> groups() {
        return List.copyOf(this.groups.keySet());
    }

    /**
     * Makes the members of groups joined from now on publish this instance's load (in [0, 1], NaN when unknown),
     * looked at every {@code every}, so that their share follows it.
     */
    void useLoad(DoubleSupplier source, Duration every) {
        this.load = new MemberNode.Load(source, every);
    }

    @Override
    public void start() {
        if (this.running.compareAndSet(false, true)) {
            String member = this.instanceId.get();
            this.groups.values().forEach(declared -> declared.join(this.curator, this.requests, this.root, member,
                    this.load));
        }
    }

    @Override
    public void stop() {
        if (this.running.compareAndSet(true, false)) {
            this.groups.values().forEach(Declared::leave);
        }
    }

    @Override
    public boolean isRunning() {
        return this.running.get();
    }

    /** Stops among the first, before web servers and the ZooKeeper client. */
    @Override
    public int getPhase() {
        return SmartLifecycle.DEFAULT_PHASE;
    }

    Map<String, Object> describe() {
        Map<String, Object> section = new LinkedHashMap<>();
        this.groups.forEach((group, declared) -> section.put(group, declared.describe(this.instanceId.get())));
        return section;
    }

    PlacementMember member(String group) {
        return declared(group).member();
    }

    private Declared declared(String group) {
        Declared declared = (group != null) ? this.groups.get(group) : null;
        if (declared == null) {
            throw new IllegalArgumentException("work group '" + group + "' is not declared by this instance; "
                    + "declare it with meshkeeper.placement.groups." + group + ".partitions=<n> (declared: "
                    + this.groups.keySet() + ")");
        }
        return declared;
    }

    private void validateName(String group) {
        if (group == null || group.isBlank() || group.indexOf('/') >= 0) {
            throw new IllegalArgumentException("work group '" + group + "' is empty or contains '/'; a group is one "
                    + "znode name under " + this.root + ", e.g. 'order-processing'");
        }
        PathUtils.validatePath(ZKPaths.makePath(this.root, group));
    }

    static List<String> partitions(int count) {
        return IntStream.range(0, count).mapToObj(Integer::toString).toList();
    }
}
