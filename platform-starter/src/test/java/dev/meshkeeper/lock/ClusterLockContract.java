package dev.meshkeeper.lock;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

import dev.meshkeeper.registry.junit.EmbeddedRegistry;
import dev.meshkeeper.registry.junit.RegistryHandle;
import dev.meshkeeper.zookeeper.ZooKeeperConnectionMonitor;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.RetryOneTime;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * What every {@link ClusterLock} guarantees, whatever recipe is behind it: run against mutexes, semaphores, read
 * locks and write locks alike. Two processes ("here" and "there": two clients, two {@link DistributedLocks}) share
 * one real ZooKeeper server; a subclass says which lock it tests and which lock of the other process excludes it.
 */
@EmbeddedRegistry(dedicated = true)
@Timeout(120)
abstract class ClusterLockContract {

    private final List<AutoCloseable> closeables = new ArrayList<>();

    CuratorFramework hereClient;

    ZooKeeperConnectionMonitor hereConnection;

    DistributedLocks here;

    DistributedLocks there;

    String name;

    /** The lock under test, from {@code locks}. */
    abstract ClusterLock lock(DistributedLocks locks, String name);

    /** A lock of the same name that cannot be held while {@link #lock} is (for a read lock: the write lock). */
    abstract ClusterLock excluding(DistributedLocks locks, String name);

    @BeforeEach
    void startTwoProcesses(RegistryHandle registry) throws InterruptedException {
        this.name = "contract-" + UUID.randomUUID().toString().substring(0, 8);
        this.hereClient = client(registry);
        this.hereConnection = new ZooKeeperConnectionMonitor(this.hereClient, event -> {
        });
        this.hereConnection.afterPropertiesSet();
        this.closeables.add(this.hereConnection::destroy);
        this.here = CuratorDistributedLocks.builder(this.hereClient).connectionMonitor(this.hereConnection)
                .instanceId(() -> "here").build();
        this.closeables.add(this.here);
        this.there = CuratorDistributedLocks.builder(client(registry)).instanceId(() -> "there").build();
        this.closeables.add(this.there);
    }

    @AfterEach
    void stopProcesses(RegistryHandle registry) throws Exception {
        registry.start();
        // in reverse order of creation: locks before their clients
        for (int i = this.closeables.size() - 1; i >= 0; i--) {
            this.closeables.get(i).close();
        }
    }

    @Test
    void aReleasedLeaseLetsTheOtherProcessIn() throws Exception {
        LockLease lease = lock(this.here, this.name).acquire(Duration.ofSeconds(10));
        assertThat(lease.isValid()).isTrue();
        assertThat(lease.name()).isEqualTo(this.name);
        assertThat(excluding(this.there, this.name).tryAcquire(Duration.ofMillis(300)))
                .as("excluded while held here").isEmpty();
        lease.close();
        assertThat(lease.isValid()).as("a released lease is not valid").isFalse();
        try (LockLease other = excluding(this.there, this.name).acquire(Duration.ofSeconds(10))) {
            assertThat(other.isValid()).isTrue();
        }
    }

    @Test
    void tryAcquireWaitsItsTimeoutAndGivesUpWhileHeldElsewhere() throws Exception {
        try (LockLease elsewhere = excluding(this.there, this.name).acquire(Duration.ofSeconds(10))) {
            long started = System.nanoTime();
            Optional<LockLease> lease = lock(this.here, this.name).tryAcquire(Duration.ofMillis(700));
            Duration took = Duration.ofNanos(System.nanoTime() - started);
            assertThat(lease).as("not granted while held elsewhere").isEmpty();
            assertThat(took).as("waited for the holder").isGreaterThanOrEqualTo(Duration.ofMillis(600))
                    .as("no longer than its wait, plus a generous margin").isLessThan(Duration.ofSeconds(10));
            assertThatExceptionOfType(LockNotAcquiredException.class)
                    .isThrownBy(() -> lock(this.here, this.name).acquire(Duration.ofMillis(300)))
                    .withMessageContaining("'" + this.name + "'")
                    .satisfies(ex -> assertThat(ex.getReason()).isEqualTo(LockNotAcquiredException.Reason.TIMEOUT));
        }
        try (LockLease lease = lock(this.here, this.name).acquire(Duration.ofSeconds(10))) {
            assertThat(lease.isValid()).as("granted once released elsewhere").isTrue();
        }
    }

    @Test
    void aLeaseIsLostAndSignalledWhenTheSessionExpiresAndTheOtherProcessGetsIn(RegistryHandle registry)
            throws Exception {
        LockLease lease = lock(this.here, this.name).acquire(Duration.ofSeconds(10));
        AtomicReference<LockLostEvent> lost = new AtomicReference<>();
        lease.onLost(lost::set);
        registry.expireSession(this.hereClient.getZookeeperClient().getZooKeeper());
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(lost.get()).isNotNull());
        assertThat(lease.isValid()).as("void after the session expired").isFalse();
        assertThat(lost.get().getLockName()).isEqualTo(this.name);
        assertThat(lost.get().getFencingToken()).isEqualTo(lease.fencingToken());
        try (LockLease other = excluding(this.there, this.name).acquire(Duration.ofSeconds(20))) {
            assertThat(other.fencingToken()).as("the next holder's token").isGreaterThan(lease.fencingToken());
        }
        lease.close();
    }

    @Test
    void fencingTokensIncreaseAcrossHoldersAndProcesses() throws Exception {
        long previous = Long.MIN_VALUE;
        for (int round = 0; round < 6; round++) {
            DistributedLocks process = (round % 2 == 0) ? this.here : this.there;
            ClusterLock lock = (round % 3 == 2) ? excluding(process, this.name) : lock(process, this.name);
            try (LockLease lease = lock.acquire(Duration.ofSeconds(10))) {
                assertThat(lease.fencingToken()).as("token of holder %d", round).isGreaterThan(previous);
                previous = lease.fencingToken();
            }
        }
    }

    @Test
    void anAcquireDuringAnOutageFailsFastAndTheLockIsGrantedOnceZooKeeperIsBack(RegistryHandle registry)
            throws Exception {
        registry.stop();
        await().atMost(Duration.ofSeconds(30)).until(() -> !this.hereConnection.isConnected());
        long started = System.nanoTime();
        assertThat(lock(this.here, this.name).tryAcquire(Duration.ofSeconds(20))).as("not granted").isEmpty();
        assertThatExceptionOfType(LockNotAcquiredException.class)
                .isThrownBy(() -> lock(this.here, this.name).acquire(Duration.ofSeconds(20)))
                .satisfies(ex -> assertThat(ex.getReason())
                        .isEqualTo(LockNotAcquiredException.Reason.ZOOKEEPER_UNAVAILABLE));
        assertThat(Duration.ofNanos(System.nanoTime() - started)).as("at once, not after the 20 s asked for")
                .isLessThan(Duration.ofSeconds(10));
        registry.start();
        await().atMost(Duration.ofSeconds(30)).until(this.hereConnection::isConnected);
        try (LockLease lease = lock(this.here, this.name).acquire(Duration.ofSeconds(20))) {
            assertThat(lease.isValid()).as("granted once ZooKeeper is back").isTrue();
        }
    }

    @Test
    @SuppressWarnings("deprecation")
    void theDeprecatedUnboundedAcquireStillGrants() throws Exception {
        try (LockLease lease = lock(this.here, this.name).acquire()) {
            assertThat(lease.isValid()).isTrue();
        }
    }

    private CuratorFramework client(RegistryHandle registry) throws InterruptedException {
        CuratorFramework client = CuratorFrameworkFactory.newClient(registry.connectString(), 10_000, 3_000,
                new RetryOneTime(100));
        client.start();
        this.closeables.add(client);
        assertThat(client.blockUntilConnected(10, TimeUnit.SECONDS)).isTrue();
        return client;
    }
}
