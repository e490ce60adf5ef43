package dev.meshkeeper.leader;

import dev.meshkeeper.zookeeper.ZooKeeperConnectionMonitor;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.state.ConnectionState;
import org.apache.curator.utils.PathUtils;
import org.apache.curator.utils.ZKPaths;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.availability.AvailabilityChangeEvent;
import org.springframework.boot.availability.ReadinessState;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.ApplicationListener;
import org.springframework.context.SmartLifecycle;

/**
 * Leader election per group with Curator's {@code LeaderLatch} on the application's single
 * {@link CuratorFramework}. Latch nodes live under {@code meshkeeper.leader.root/{group}} (default
 * {@code /meshkeeper/leaders}) with this instance's id as their data, so every member (and any ZooKeeper client)
 * sees who leads.
 * <p>
 * Guarantees:
 * <ul>
 * <li>{@link #isLeader(String)} turns false the moment the connection is SUSPENDED (not only LOST); after a
 * reconnect it turns true again only once this member's latch node is seen to still exist.</li>
 * <li>A member whose readiness goes to REFUSING_TRAFFIC leaves its groups (and rejoins, at the back, when it
 * accepts traffic again).</li>
 * <li>On shutdown ({@link SmartLifecycle#stop()}, among the first beans to stop) a leader stops leading and
 * deletes its latch node before anything else, so a successor takes over at once.</li>
 * </ul>
 * Two members may both believe they lead only between the moment ZooKeeper expires a session and the moment the
 * old leader notices its connection is suspended; guard shared resources with fencing tokens where that matters.
 */
public class ClusterLeadership implements SmartLifecycle, ApplicationListener<AvailabilityChangeEvent<?>> {

    private static final Logger logger = LoggerFactory.getLogger(ClusterLeadership.class);

    enum State {
        LATENT, STARTED, STOPPED
    }

    private final CuratorFramework curator;

    private final String root;

    private final List<String> configuredGroups;

    private final Supplier<String> instanceId;

    private final ZooKeeperConnectionMonitor connection;

    private final ApplicationEventPublisher publisher;

    private final MeterRegistry meters;

    private final ConcurrentMap<String, GroupMembership> groups = new ConcurrentHashMap<>();

    private final AtomicReference<State> state = new AtomicReference<>(State.LATENT);

    private final AtomicBoolean ready = new AtomicBoolean(true);

    /** The subscription to the connection monitor while started. */
    private final AtomicReference<AutoCloseable> subscription = new AtomicReference<>();

    /** Latch callbacks and re-checks run here, one at a time, off Curator's threads. */
    private final ExecutorService events = Executors.newSingleThreadExecutor(runnable -> {
        Thread thread = new Thread(runnable, "meshkeeper-leader");
        thread.setDaemon(true);
        return thread;
    });

    /**
     * @param connection the one source of connection state; leadership is void while it reports no connection
     */
    public ClusterLeadership(CuratorFramework curator, LeaderProperties properties, Supplier<String> instanceId,
            ZooKeeperConnectionMonitor connection, ApplicationEventPublisher publisher, MeterRegistry meters) {
        this.curator = curator;
        this.root = properties.getRoot();
        this.configuredGroups = List.copyOf(properties.getGroups());
        this.instanceId = instanceId;
        this.connection = connection;
        this.publisher = publisher;
        this.meters = meters;
        this.configuredGroups.forEach(this::path);
    }

    /**
     * Whether this instance leads the group now. False for a group it has not joined, while the connection is not
     * up, and from the moment it was suspended until leadership was confirmed again.
     */
    public boolean isLeader(String group) {
        GroupMembership membership = this.groups.get(group);
        return membership != null && membership.isActing() && this.connection.isConnected();
    }

    /**
     * The leadership epoch of the group while this instance leads it, else empty. The epoch is the creation zxid of
     * the leader's latch node: a latch is led by its oldest node, so every later leader's node was created after the
     * previous leader's and the epoch grows with every leadership change, with no extra write (a counter znode would
     * need a write that fails while ZooKeeper is away). Pass it along with work done as leader so that a receiver
     * can refuse a deposed leader.
     */
    public OptionalLong epoch(String group) {
        GroupMembership membership = this.groups.get(group);
        return (isLeader(group) && membership.epoch() > 0) ? OptionalLong.of(membership.epoch())
                : OptionalLong.empty();
    }

    /**
     * The instance id of the group's current leader (the data of the lowest latch node), or empty when there is none
     * or this instance has not joined the group. Answered from memory, never by asking ZooKeeper: a watch of the
     * group's latch nodes keeps it current while connected; while this instance leads, it is this instance's id.
     * <p>
     * During a ZooKeeper outage it answers, at once, the leader last seen before the connection dropped (which may
     * have stepped down meanwhile; only {@link #isLeader(String)} says whether a member may act) and catches up once
     * the connection is back.
     */
    public Optional<String> currentLeader(String group) {
        GroupMembership membership = this.groups.get(group);
        if (membership == null) {
            return Optional.empty();
        }
        return isLeader(group) ? Optional.of(instanceId()) : membership.currentLeader();
    }

    /**
     * Joins the group (idempotent). Before start the group is joined when the application starts.
     * @throws IllegalArgumentException when the group name is empty or contains {@code /}
     */
    public void join(String group) {
        GroupMembership membership = membership(group);
        if (this.state.get() == State.STARTED) {
            membership.watch();
            if (this.ready.get()) {
                membership.join();
            }
        }
    }

    /**
     * Gives up leadership of the group (if held) and rejoins at the back of the queue, so that another member
     * leads. A no-op for a group this instance has not joined.
     */
    public void yield(String group) {
        GroupMembership membership = this.groups.get(group);
        if (membership != null) {
            membership.leave("yielded");
            if (this.state.get() == State.STARTED && this.ready.get()) {
                membership.join();
            }
        }
    }

    /** The groups this instance has joined or will join. */
    public Collection<String> groups() {
        return List.copyOf(this.groups.keySet());
    }

    @Override
    public void start() {
        if (this.state.compareAndSet(State.LATENT, State.STARTED)) {
            this.subscription.set(this.connection.subscribe((client, newState) -> connectionChanged(newState)));
            this.configuredGroups.forEach(this::membership);
            this.groups.values().forEach(GroupMembership::watch);
            if (this.ready.get()) {
                this.groups.values().forEach(GroupMembership::join);
            }
        }
    }

    /** Leaders first: each stops leading and deletes its latch node so that a successor takes over at once. */
    @Override
    public void stop() {
        if (this.state.compareAndSet(State.STARTED, State.STOPPED)) {
            List<GroupMembership> ordered = new ArrayList<>(this.groups.values());
            ordered.sort((a, b) -> Boolean.compare(b.isActing(), a.isActing()));
            ordered.forEach(membership -> membership.leave("shutdown"));
            ordered.forEach(GroupMembership::unwatch);
            AutoCloseable subscribed = this.subscription.getAndSet(null);
            if (subscribed != null) {
                try {
                    subscribed.close();
                }
                catch (Exception ex) {
                    logger.debug("Could not unsubscribe from the connection monitor: {}", ex.toString());
                }
            }
            this.events.shutdown();
        }
    }

    @Override
    public boolean isRunning() {
        return this.state.get() == State.STARTED;
    }

    /** Stops among the first, before web servers and the ZooKeeper client. */
    @Override
    public int getPhase() {
        return SmartLifecycle.DEFAULT_PHASE;
    }

    /** Called by the connection monitor, on Curator's event thread, once the monitor has taken the change in. */
    private void connectionChanged(ConnectionState newState) {
        switch (newState) {
            case SUSPENDED, LOST -> this.groups.values()
                    .forEach(membership -> membership.revoke(newState.name().toLowerCase()));
            case RECONNECTED -> this.events.execute(() -> this.groups.values().forEach(GroupMembership::recheck));
            default -> {
            }
        }
    }

    @Override
    public void onApplicationEvent(AvailabilityChangeEvent<?> event) {
        if (event.getState() == ReadinessState.REFUSING_TRAFFIC && this.ready.compareAndSet(true, false)) {
            logger.info("Readiness is down: leaving leader groups {}", this.groups.keySet());
            this.groups.values().forEach(membership -> membership.leave("not-ready"));
        }
        else if (event.getState() == ReadinessState.ACCEPTING_TRAFFIC && this.ready.compareAndSet(false, true)
                && this.state.get() == State.STARTED) {
            this.groups.values().forEach(GroupMembership::join);
        }
    }

    private GroupMembership membership(String group) {
        GroupMembership existing = this.groups.get(group);
        if (existing != null) {
            return existing;
        }
        String path = path(group);
        return this.groups.computeIfAbsent(group, name -> {
            GroupMembership membership = new GroupMembership(this, name, path);
            Gauge.builder("meshkeeper.leader", membership, m -> m.isActing() ? 1 : 0)
                    .description("1 while this instance leads the group").tag("group", name).register(this.meters);
            return membership;
        });
    }

    private String path(String group) {
        if (group == null || group.isBlank() || group.indexOf('/') >= 0) {
            throw new IllegalArgumentException("leader group '" + group + "' is empty or contains '/'; a group is "
                    + "one znode name under " + this.root + ", e.g. 'order-jobs'");
        }
        String path = ZKPaths.makePath(this.root, group);
        PathUtils.validatePath(path);
        return path;
    }

    // --- for GroupMembership

    CuratorFramework curator() {
        return this.curator;
    }

    String instanceId() {
        return this.instanceId.get();
    }

    boolean isConnected() {
        return this.connection.isConnected();
    }

    long connectionEpoch() {
        return this.connection.epoch();
    }

    ExecutorService events() {
        return this.events;
    }

    void publish(Object event) {
        this.publisher.publishEvent(event);
    }
}
