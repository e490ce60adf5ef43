package dev.meshkeeper.lock;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.meshkeeper.registry.junit.EmbeddedRegistry;
import dev.meshkeeper.registry.junit.RegistryHandle;
import dev.meshkeeper.zookeeper.ZooKeeperConnectionMonitor;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import org.apache.curator.framework.CuratorFramework;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.event.EventListener;

/**
 * Mutual exclusion under failure, in the shape of ShedLock's fuzz tester: two applications (two ZooKeeper
 * sessions) with several threads each increment one deliberately non-atomic counter under one lock, while the
 * test cuts holders' connections, expires their sessions and restarts the server. The counter is fenced: it
 * refuses any read or write with a token lower than one it has seen, and any write whose token is not higher than
 * the last accepted one.
 */
@EmbeddedRegistry(dedicated = true)
@Timeout(240)
class LockFencingUnderFailureTests {

    private static final Logger logger = LoggerFactory.getLogger(LockFencingUnderFailureTests.class);

    private static final int THREADS_PER_MEMBER = 4;

    private static final int CYCLES = 1000;

    private static final Duration FUZZ_BUDGET = Duration.ofSeconds(50);

    final List<ConfigurableApplicationContext> members = new ArrayList<>();

    @BeforeEach
    void startMembers(RegistryHandle registry) {
        for (int i = 0; i < 2; i++) {
            this.members.add(new SpringApplicationBuilder(Member.class).web(WebApplicationType.NONE)
                    .properties("spring.application.name=fuzz-member", "spring.config.import=optional:zookeeper:",
                            "spring.cloud.zookeeper.connect-string=" + registry.connectString(),
                            "spring.cloud.zookeeper.discovery.enabled=false",
                            "spring.cloud.zookeeper.discovery.instance-id=fuzz-member-" + i)
                    .run());
        }
    }

    @AfterEach
    void stopMembers(RegistryHandle registry) {
        registry.start();
        this.members.forEach(ConfigurableApplicationContext::close);
        this.members.clear();
    }

    @Test
    void fencedCounterLosesNoIncrementAndAcceptsNoStaleTokenWhileConnectionsAreCutSessionsExpireAndTheServerRestarts(
            RegistryHandle registry) throws Exception {
        String name = "fuzz-" + UUID.randomUUID().toString().substring(0, 8);
        FencedCounter counter = new FencedCounter();
        List<Held> history = new CopyOnWriteArrayList<>();
        AtomicReference<Held> current = new AtomicReference<>();
        AtomicReference<Held> slowHolder = new AtomicReference<>();
        AtomicBoolean slowWanted = new AtomicBoolean();
        AtomicInteger overlaps = new AtomicInteger();
        AtomicInteger cycles = new AtomicInteger();
        AtomicBoolean stop = new AtomicBoolean();
        ExecutorService threads = Executors.newCachedThreadPool();
        List<Future<?>> workers = new ArrayList<>();
        for (int m = 0; m < this.members.size(); m++) {
            int member = m;
            DistributedLocks locks = this.members.get(m).getBean(DistributedLocks.class);
            for (int t = 0; t < THREADS_PER_MEMBER; t++) {
                workers.add(threads.submit(() -> {
                    while (!stop.get()) {
                        Optional<LockLease> granted = locks.mutex(name).tryAcquire(Duration.ofSeconds(2));
                        if (granted.isEmpty()) {
                            // not connected: tryAcquire returned at once; do not spin
                            LockSupport.parkNanos(Duration.ofMillis(5).toNanos());
                            continue;
                        }
                        LockLease lease = granted.get();
                        Held held = new Held(member, lease, System.nanoTime());
                        lease.onLost(event -> held.signalled.set(true));
                        Held previous = current.getAndSet(held);
                        if (previous != null && previous.closedAt == 0 && previous.lease.isValid()
                                && lease.isValid()) {
                            overlaps.incrementAndGet();
                        }
                        try {
                            long value = counter.read(lease.fencingToken(), member);
                            // work between read and write; when the test asks, a slow holder, long enough for
                            // the test to cut or expire it meanwhile
                            if (slowWanted.compareAndSet(true, false)) {
                                slowHolder.set(held);
                                LockSupport.parkNanos(Duration.ofMillis(400).toNanos());
                                slowHolder.compareAndSet(held, null);
                            }
                            else {
                                LockSupport.parkNanos(ThreadLocalRandom.current().nextLong(1_000_000));
                            }
                            counter.write(lease.fencingToken(), value + 1);
                        }
                        catch (StaleTokenException ex) {
                            // refused: the counter has seen a newer holder
                        }
                        finally {
                            held.invalidAtClose = !lease.isValid();
                            held.closedAt = System.nanoTime();
                            current.compareAndSet(held, null);
                            lease.close();
                            history.add(held);
                            cycles.incrementAndGet();
                        }
                    }
                    return null;
                }));
            }
        }

        long started = System.nanoTime();
        long deadline = started + FUZZ_BUDGET.toNanos();
        String[] plan = { "cut", "expire", "cut", "restart", "expire", "cut", "expire" };
        int actions = 0;
        while ((cycles.get() < CYCLES || actions < 2 * plan.length) && System.nanoTime() < deadline) {
            String action = plan[actions % plan.length];
            // strike a holder in the middle of its work, so that it is late with its write
            Held holder;
            slowWanted.set(true);
            try {
                holder = await().atMost(Duration.ofSeconds(5)).until(slowHolder::get, held -> held != null);
            }
            catch (ConditionTimeoutException ex) {
                holder = current.get();
            }
            int target = (holder != null) ? holder.member : ThreadLocalRandom.current().nextInt(this.members.size());
            chaos(registry, action, target);
            actions++;
            awaitAllConnected();
            // let the members work between failures
            LockSupport.parkNanos(Duration.ofMillis(400).toNanos());
        }
        stop.set(true);
        for (Future<?> worker : workers) {
            worker.get(30, TimeUnit.SECONDS);
        }
        threads.shutdown();

        List<Held> leases = new ArrayList<>(history);
        long lostSignalled = leases.stream().filter(held -> held.signalled.get()).count();
        logger.info("lock fuzz: {} cycles in {} s, {} chaos actions, {} writes accepted, {} refused for a stale "
                + "token, {} leases lost and signalled", leases.size(),
                Duration.ofNanos(System.nanoTime() - started).toSeconds(), actions, counter.accepted, counter.refused,
                lostSignalled);
        assertThat(leases.size()).isGreaterThanOrEqualTo(CYCLES);
        assertThat(actions).isGreaterThanOrEqualTo(plan.length);
        assertThat(counter.staleAccepted).as("writes accepted with a stale token").isZero();
        assertThat(counter.value).as("lost increments").isEqualTo(counter.accepted);
        assertThat(overlaps).as("two valid leases at once").hasValue(0);
        assertThat(leases).as("every lease lost while held was signalled")
                .filteredOn(held -> held.invalidAtClose).allSatisfy(held -> assertThat(held.signalled).isTrue());
        assertThat(lostSignalled).as("chaos voided leases").isPositive();
        Set<Long> events = ConcurrentHashMap.newKeySet();
        this.members.forEach(member -> events.addAll(member.getBean(LostTokens.class).tokens));
        assertThat(events).as("LockLostEvent per lost lease").containsAll(leases.stream()
                .filter(held -> held.signalled.get()).map(held -> held.lease.fencingToken()).toList());
        assertTokensIncreaseAcrossEveryHandOver(leases);
    }

    @Test
    void tryAcquireReturnsNotAcquiredWithinItsWaitWhileTheServerIsStopped(RegistryHandle registry) {
        DistributedLocks locks = this.members.get(0).getBean(DistributedLocks.class);
        CuratorFramework curator = this.members.get(0).getBean(CuratorFramework.class);
        ZooKeeperConnectionMonitor monitor = this.members.get(0).getBean(ZooKeeperConnectionMonitor.class);
        registry.stop();
        await().atMost(Duration.ofSeconds(30)).until(() -> !monitor.isConnected());

        long started = System.nanoTime();
        Optional<LockLease> lease = locks.mutex("stopped-server").tryAcquire(Duration.ofSeconds(2));
        assertThat(lease).isEmpty();
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(6));

        // the bound holds even when the connection view still says "up": lock-node creation is bounded too
        ZooKeeperConnectionMonitor alwaysUp = new ZooKeeperConnectionMonitor(curator, event -> {
        }) {
            @Override
            public boolean isConnected() {
                return true;
            }
        };
        DistributedLocks unaware = CuratorDistributedLocks.builder(curator).connectionMonitor(alwaysUp)
                .instanceId(() -> "unaware").meterRegistry(new SimpleMeterRegistry()).build();
        try {
            started = System.nanoTime();
            assertThat(unaware.mutex("stopped-server").tryAcquire(Duration.ofSeconds(2))).isEmpty();
            assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(6));
        }
        finally {
            unaware.close();
        }
    }

    @Test
    void tokensKeepIncreasingAfterTheEmptyLockParentIsReaped() throws Exception {
        DistributedLocks locks = this.members.get(0).getBean(DistributedLocks.class);
        CuratorFramework curator = this.members.get(0).getBean(CuratorFramework.class);
        String name = "reaped-" + UUID.randomUUID().toString().substring(0, 8);
        long first;
        try (LockLease lease = locks.mutex(name).tryAcquire(Duration.ofSeconds(10)).orElseThrow()) {
            first = lease.fencingToken();
        }
        await().atMost(Duration.ofSeconds(30))
                .until(() -> curator.checkExists().forPath("/meshkeeper/locks/" + name) == null);
        try (LockLease lease = locks.mutex(name).tryAcquire(Duration.ofSeconds(10)).orElseThrow()) {
            assertThat(lease.fencingToken()).isGreaterThan(first);
        }
    }

    private void chaos(RegistryHandle registry, String action, int target) throws Exception {
        ConfigurableApplicationContext member = this.members.get(target);
        CuratorFramework curator = member.getBean(CuratorFramework.class);
        DistributedLocks locks = member.getBean(DistributedLocks.class);
        switch (action) {
            case "cut" -> cut(registry, curator, locks);
            case "expire" -> {
                // cut first so that the holder sees SUSPENDED, then expire the session
                var zooKeeper = curator.getZookeeperClient().getZooKeeper();
                cut(registry, curator, locks);
                registry.expireSession(zooKeeper);
            }
            case "restart" -> {
                registry.stop();
                LockSupport.parkNanos(Duration.ofMillis(500).toNanos());
                registry.start();
            }
            default -> throw new IllegalArgumentException(action);
        }
    }

    private static void cut(RegistryHandle registry, CuratorFramework curator, DistributedLocks locks)
            throws Exception {
        long epoch = ((CuratorDistributedLocks) locks).epoch();
        try {
            registry.cutConnection(curator.getZookeeperClient().getZooKeeper());
        }
        catch (IllegalStateException ex) {
            return; // the member is reconnecting already
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> ((CuratorDistributedLocks) locks).epoch() > epoch);
    }

    private void awaitAllConnected() {
        await().atMost(Duration.ofSeconds(40)).until(() -> this.members.stream()
                .allMatch(member -> member.getBean(ZooKeeperConnectionMonitor.class).isConnected()));
    }

    /** A lease granted after another was closed carries a greater token, whichever process held either. */
    private static void assertTokensIncreaseAcrossEveryHandOver(List<Held> leases) {
        List<Held> byClose = new ArrayList<>(leases);
        byClose.sort(Comparator.comparingLong(held -> held.closedAt));
        long[] closedAt = byClose.stream().mapToLong(held -> held.closedAt).toArray();
        long[] maxTokenClosedSoFar = new long[byClose.size()];
        long max = Long.MIN_VALUE;
        for (int i = 0; i < byClose.size(); i++) {
            max = Math.max(max, byClose.get(i).lease.fencingToken());
            maxTokenClosedSoFar[i] = max;
        }
        for (Held held : leases) {
            int index = java.util.Arrays.binarySearch(closedAt, held.grantedAt);
            int closedBefore = (index >= 0) ? index - 1 : -index - 2;
            if (closedBefore >= 0) {
                assertThat(held.lease.fencingToken()).as("token of a lease granted after others were closed")
                        .isGreaterThan(maxTokenClosedSoFar[closedBefore]);
            }
        }
    }

    static final class Held {

        final int member;

        final LockLease lease;

        final long grantedAt;

        final AtomicBoolean signalled = new AtomicBoolean();

        volatile long closedAt;

        volatile boolean invalidAtClose;

        Held(int member, LockLease lease, long grantedAt) {
            this.member = member;
            this.lease = lease;
            this.grantedAt = grantedAt;
        }
    }

    static final class StaleTokenException extends Exception {

        StaleTokenException(long token, long fence) {
            super("token " + token + " is older than " + fence, null, false, false);
        }
    }

    /** The protected resource: a plain counter that trusts nothing but fencing tokens. */
    static final class FencedCounter {

        long value;

        long fence;

        long lastAccepted;

        long accepted;

        long refused;

        long staleAccepted;

        synchronized long read(long token, int member) throws StaleTokenException {
            if (token < this.fence) {
                this.refused++;
                throw new StaleTokenException(token, this.fence);
            }
            this.fence = token;
            return this.value;
        }

        synchronized void write(long token, long newValue) throws StaleTokenException {
            if (token < this.fence || token <= this.lastAccepted) {
                this.refused++;
                throw new StaleTokenException(token, Math.max(this.fence, this.lastAccepted));
            }
            if (newValue != this.value + 1) {
                this.staleAccepted++;
            }
            this.lastAccepted = token;
            this.value = newValue;
            this.accepted++;
        }
    }

    @Configuration(proxyBeanMethods = false)
    @EnableAutoConfiguration
    static class Member {

        @Bean
        LostTokens lostTokens() {
            return new LostTokens();
        }
    }

    static class LostTokens {

        final Set<Long> tokens = ConcurrentHashMap.newKeySet();

        @EventListener
        void on(LockLostEvent event) {
            this.tokens.add(event.getFencingToken());
        }
    }
}
