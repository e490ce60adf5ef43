package dev.meshkeeper.placement;

import dev.meshkeeper.zookeeper.ZooKeeperConnectionMonitor;
import dev.meshkeeper.zookeeper.ZooKeeperRequests;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.DoubleSupplier;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.ExponentialBackoffRetry;
import org.apache.zookeeper.ZooKeeper;

/** A work-group member as its own ZooKeeper client and session, without Spring, reporting to a ledger. */
final class LightMember implements WorkListener, AutoCloseable {

    final String id;

    final CuratorFramework curator;

    final PlacementMember member;

    final Set<String> working = ConcurrentHashMap.newKeySet();

    final AtomicInteger revocations = new AtomicInteger();

    final AtomicLong lastPublishedMoves = new AtomicLong(-1);

    /** Connection suspensions and losses this member went through. */
    final AtomicInteger disconnects = new AtomicInteger();

    private final OwnershipLedger ledger;

    private final ZooKeeperConnectionMonitor monitor;

    LightMember(String connectString, Duration sessionTimeout, String group, String id, int weight,
            List<String> items, OwnershipLedger ledger) throws Exception {
        this(connectString, sessionTimeout, group, id, weight, items, ledger, null);
    }

    /** A member that publishes the load {@code load} gives, looked at every 100 ms. */
    LightMember(String connectString, Duration sessionTimeout, String group, String id, int weight,
            List<String> items, OwnershipLedger ledger, DoubleSupplier load) throws Exception {
        this.id = id;
        this.ledger = ledger;
        this.curator = CuratorFrameworkFactory.builder().connectString(connectString)
                .sessionTimeoutMs((int) sessionTimeout.toMillis()).connectionTimeoutMs(2_000)
                .retryPolicy(new ExponentialBackoffRetry(50, 5, 500)).build();
        this.curator.getConnectionStateListenable().addListener((client, state) -> {
            if (!state.isConnected()) {
                this.disconnects.incrementAndGet();
            }
        });
        this.curator.start();
        this.curator.blockUntilConnected();
        this.monitor = new ZooKeeperConnectionMonitor(this.curator, event -> {
        });
        this.monitor.afterPropertiesSet();
        ZooKeeperRequests requests = new ZooKeeperRequests(this.curator, this.monitor, Duration.ofSeconds(1),
                Clock.systemUTC());
        this.member = new PlacementMember(this.curator, requests, "/meshkeeper/placement", group, id, weight, items,
                this, (load != null) ? new MemberNode.Load(load, Duration.ofMillis(100)) : null);
        this.member.start();
    }

    @Override
    public void assigned(String item, long token) {
        this.working.add(item);
        this.ledger.started(this.id, item, token);
    }

    @Override
    public void revoked(String item, long token, String reason) {
        this.working.remove(item);
        this.revocations.incrementAndGet();
        this.ledger.stopped(this.id, item);
    }

    @Override
    public void published(long generation, int moved) {
        this.lastPublishedMoves.set(moved);
    }

    ZooKeeper zooKeeper() throws Exception {
        return this.curator.getZookeeperClient().getZooKeeper();
    }

    /** Graceful leave, then the client closes. */
    @Override
    public void close() {
        this.member.stop();
        this.monitor.destroy();
        this.curator.close();
    }

    /**
     * A crash: the process vanishes without closing its session, so ZooKeeper keeps the session (and its claims)
     * until the session timeout.
     */
    void crash() throws Exception {
        ZooKeeper zooKeeper = zooKeeper();
        this.member.abandon();
        zooKeeper.getTestable().injectSessionExpiration();
        this.curator.close();
    }
}
