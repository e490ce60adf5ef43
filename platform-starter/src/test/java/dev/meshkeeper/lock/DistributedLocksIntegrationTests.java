package dev.meshkeeper.lock;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.meshkeeper.actuate.MeshkeeperEndpoint;
import dev.meshkeeper.lock.DistributedLock.OnTimeout;
import dev.meshkeeper.registry.junit.EmbeddedRegistry;
import dev.meshkeeper.registry.junit.RegistryHandle;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.RetryOneTime;
import org.assertj.core.api.InstanceOfAssertFactories;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.event.EventListener;

@EmbeddedRegistry
@SpringBootTest(properties = { "spring.application.name=lock-test", "spring.config.import=optional:zookeeper:",
        "spring.cloud.zookeeper.discovery.instance-host=127.0.0.1",
        "spring.cloud.zookeeper.discovery.instance-id=lock-test-1", "meshkeeper.lock.interrupt-on-loss=true",
        "management.endpoints.web.exposure.include=meshkeeper" })
@Timeout(120)
class DistributedLocksIntegrationTests {

    @Autowired
    DistributedLocks locks;

    @Autowired
    CuratorFramework curator;

    @Autowired
    MeterRegistry meters;

    @Autowired
    MeshkeeperEndpoint endpoint;

    @Autowired
    LockedService service;

    @Autowired
    LostLeases lostLeases;

    @Autowired
    RegistryHandle registry;

    CuratorFramework otherCurator;

    DistributedLocks otherProcess;

    ExecutorService threads = Executors.newCachedThreadPool();

    @BeforeEach
    void startOtherProcess() throws InterruptedException {
        this.otherCurator = CuratorFrameworkFactory.newClient(this.registry.connectString(), 10_000, 5_000,
                new RetryOneTime(100));
        this.otherCurator.start();
        assertThat(this.otherCurator.blockUntilConnected(10, TimeUnit.SECONDS)).isTrue();
        this.otherProcess = CuratorDistributedLocks.builder(this.otherCurator).instanceId(() -> "other-process")
                .meterRegistry(new SimpleMeterRegistry()).build();
    }

    @AfterEach
    void stopOtherProcess() {
        this.threads.shutdownNow();
        this.otherProcess.close();
        this.otherCurator.close();
    }

    static String unique(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    @Test
    void sixteenLocalThreadsTakeTurnsThroughOneLockNodeWithStrictlyIncreasingTokens() throws Exception {
        String name = unique("turns");
        ClusterLock mutex = this.locks.mutex(name);
        AtomicInteger inside = new AtomicInteger();
        AtomicInteger maxInside = new AtomicInteger();
        AtomicInteger maxNodes = new AtomicInteger();
        List<Long> tokens = new CopyOnWriteArrayList<>();
        List<Future<?>> workers = new ArrayList<>();
        for (int t = 0; t < 16; t++) {
            workers.add(this.threads.submit(() -> {
                for (int i = 0; i < 10; i++) {
                    try (LockLease lease = mutex.tryAcquire(Duration.ofSeconds(30)).orElseThrow()) {
                        maxInside.accumulateAndGet(inside.incrementAndGet(), Math::max);
                        tokens.add(lease.fencingToken());
                        maxNodes.accumulateAndGet(
                                this.curator.getChildren().forPath("/meshkeeper/locks/" + name).size(), Math::max);
                        inside.decrementAndGet();
                    }
                }
                return null;
            }));
        }
        for (Future<?> worker : workers) {
            worker.get(60, TimeUnit.SECONDS);
        }
        assertThat(maxInside).hasValue(1);
        assertThat(maxNodes).as("lock nodes of this process at any time").hasValue(1);
        assertThat(tokens).hasSize(160).isSorted().doesNotHaveDuplicates();
    }

    @Test
    void idlePerKeyMutexesDoNotAccumulateAndStayUsableThroughOldHandles() {
        String prefix = unique("per-key");
        int before = ((CuratorDistributedLocks) this.locks).participants();
        ClusterLock first = this.locks.mutex(prefix + "-0");
        long firstToken;
        try (LockLease lease = first.tryAcquire(Duration.ofSeconds(10)).orElseThrow()) {
            firstToken = lease.fencingToken();
        }
        for (int i = 1; i < 30; i++) {
            try (LockLease lease = this.locks.mutex(prefix + "-" + i).tryAcquire(Duration.ofSeconds(10))
                    .orElseThrow()) {
                assertThat(lease.isValid()).isTrue();
            }
        }
        assertThat(((CuratorDistributedLocks) this.locks).participants()).isLessThanOrEqualTo(before);
        try (LockLease again = first.tryAcquire(Duration.ofSeconds(10)).orElseThrow()) {
            assertThat(again.fencingToken()).isGreaterThan(firstToken);
        }
    }

    @Test
    void tokensIncreaseAcrossProcessesAndNodeDataNamesTheHolder() throws Exception {
        String name = unique("processes");
        long last = 0;
        for (int i = 0; i < 10; i++) {
            DistributedLocks process = (i % 2 == 0) ? this.locks : this.otherProcess;
            try (LockLease lease = process.mutex(name).tryAcquire(Duration.ofSeconds(10)).orElseThrow()) {
                assertThat(lease.fencingToken()).isGreaterThan(last);
                last = lease.fencingToken();
                if (process == this.locks) {
                    List<String> nodes = this.curator.getChildren().forPath("/meshkeeper/locks/" + name);
                    assertThat(nodes).hasSize(1);
                    JsonNode holder = new ObjectMapper().readTree(
                            this.curator.getData().forPath("/meshkeeper/locks/" + name + "/" + nodes.get(0)));
                    assertThat(holder.get("instanceId").asText()).isEqualTo("lock-test-1");
                    assertThat(holder.get("thread").asText()).isEqualTo(Thread.currentThread().getName());
                    assertThat(holder.has("acquiredAt")).isTrue();
                }
            }
        }
    }

    @Test
    void tryAcquireGivesUpWhileAnotherProcessHoldsTheLockAndSucceedsAfterRelease() throws Exception {
        String name = unique("held");
        LockLease held = this.otherProcess.mutex(name).tryAcquire(Duration.ofSeconds(10)).orElseThrow();
        assertThat(this.locks.mutex(name, "held-elsewhere").tryAcquire(Duration.ofMillis(300))).isEmpty();
        assertThat(this.meters.get("meshkeeper.lock.acquire").tag("lock", "held-elsewhere").tag("outcome", "timeout")
                .timer().count()).isEqualTo(1);
        held.close();
        try (LockLease lease = this.locks.mutex(name).tryAcquire(Duration.ofSeconds(10)).orElseThrow()) {
            assertThat(lease.fencingToken()).isGreaterThan(held.fencingToken());
            assertThat(lease.isValid()).isTrue();
        }
        assertThat(held.isValid()).isFalse();
    }

    @Test
    void callWithLockRunsUnderTheLockAndFailsNamingTheLockWhenNotGranted() throws Exception {
        String name = unique("callback");
        long token = this.locks.mutex(name).callWithLock(Duration.ofSeconds(5), LockLease::fencingToken);
        assertThat(token).isPositive();
        try (LockLease held = this.otherProcess.mutex(name).tryAcquire(Duration.ofSeconds(10)).orElseThrow()) {
            assertThatThrownBy(() -> this.locks.mutex(name).callWithLock(Duration.ofMillis(200), lease -> 1))
                    .isInstanceOf(LockNotAcquiredException.class).hasMessageContaining("'" + name + "'")
                    .hasMessageContaining("PT0.2S");
        }
    }

    @Test
    void noWriterEntersWhileAReadLeaseIsHeldIncludingAfterADowngrade() throws Exception {
        String name = unique("rw");
        ReadWriteClusterLock here = this.locks.readWrite(name);
        ReadWriteClusterLock there = this.otherProcess.readWrite(name);
        LockLease read = here.readLock().tryAcquire(Duration.ofSeconds(10)).orElseThrow();
        LockLease otherRead = there.readLock().tryAcquire(Duration.ofSeconds(10)).orElseThrow();
        assertThat(otherRead.fencingToken()).isGreaterThan(read.fencingToken());
        assertThat(there.writeLock().tryAcquire(Duration.ofMillis(300))).isEmpty();
        read.close();
        otherRead.close();

        LockLease write = here.writeLock().tryAcquire(Duration.ofSeconds(10)).orElseThrow();
        assertThat(there.readLock().tryAcquire(Duration.ofMillis(300))).isEmpty();
        LockLease downgraded = here.downgrade(write, Duration.ofSeconds(5)).orElseThrow();
        assertThat(write.isValid()).isFalse();
        assertThat(downgraded.fencingToken()).isGreaterThan(write.fencingToken());
        assertThat(there.writeLock().tryAcquire(Duration.ofMillis(500))).as("writer during downgraded read").isEmpty();
        try (LockLease otherReader = there.readLock().tryAcquire(Duration.ofSeconds(5)).orElseThrow()) {
            assertThat(otherReader.isValid()).isTrue();
        }
        downgraded.close();
        try (LockLease otherWrite = there.writeLock().tryAcquire(Duration.ofSeconds(10)).orElseThrow()) {
            assertThat(otherWrite.fencingToken()).isGreaterThan(downgraded.fencingToken());
        }
        assertThatIllegalArgumentException().isThrownBy(() -> here.downgrade(write, Duration.ofSeconds(1)))
                .withMessageContaining(name);
    }

    @Test
    void semaphoreGrantsAtMostItsPermitsAcrossProcesses() throws Exception {
        String name = unique("permits");
        LockLease first = this.locks.semaphore(name, 2).tryAcquire(Duration.ofSeconds(10)).orElseThrow();
        LockLease second = this.otherProcess.semaphore(name, 2).tryAcquire(Duration.ofSeconds(10)).orElseThrow();
        assertThat(second.fencingToken()).isGreaterThan(first.fencingToken());
        assertThat(this.locks.semaphore(name, 2).tryAcquire(Duration.ofMillis(300))).isEmpty();
        first.close();
        try (LockLease third = this.locks.semaphore(name, 2).tryAcquire(Duration.ofSeconds(10)).orElseThrow()) {
            assertThat(third.fencingToken()).isGreaterThan(second.fencingToken());
        }
        second.close();
        assertThatIllegalArgumentException().isThrownBy(() -> this.locks.semaphore(name, 0))
                .withMessageContaining(name).withMessageContaining("0");
    }

    @Test
    void illegalLockNamesAreRejectedNamingTheName() {
        assertThatIllegalArgumentException().isThrownBy(() -> this.locks.mutex("a/b"))
                .withMessageContaining("'a/b'").withMessageContaining("'/'");
        assertThatIllegalArgumentException().isThrownBy(() -> this.locks.mutex(" ")).withMessageContaining("empty");
        assertThatIllegalArgumentException().isThrownBy(() -> this.locks.readWrite("..")).withMessageContaining("'..'");
    }

    @Test
    void annotatedMethodRunsUnderTheLockKeyedByItsArgument() throws Exception {
        String sku = unique("sku");
        assertThat(this.service.reserve(sku)).isEqualTo("reserved " + sku);
        assertThat(this.meters.get("meshkeeper.lock.acquire").tag("lock", "'stock-' + #sku")
                .tag("outcome", "acquired").timer().count()).isGreaterThanOrEqualTo(1);
        try (LockLease held = this.otherProcess.mutex("stock-" + sku).tryAcquire(Duration.ofSeconds(10))
                .orElseThrow()) {
            assertThatThrownBy(() -> this.service.reserve(sku)).isInstanceOf(LockNotAcquiredException.class)
                    .hasMessageContaining("'stock-" + sku + "'").hasMessageContaining("PT2S")
                    .extracting("reason").isEqualTo(LockNotAcquiredException.Reason.TIMEOUT);
            assertThat(this.service.skipIfBusy(sku)).isNull();
            assertThat(this.service.skipIfBusyRuns()).isZero();
        }
        await().atMost(Duration.ofSeconds(30))
                .untilAsserted(() -> assertThat(this.service.skipIfBusy(sku)).isEqualTo("ran"));
        assertThat(this.service.skipIfBusyRuns()).isOne();
    }

    @Test
    void annotatedMethodSeesItsOwnLeaseWithAFencingTokenThatGrowsPerCall() {
        String sku = unique("current");
        LockLease first = this.service.currentLease(sku);
        LockLease second = this.service.currentLease(sku);
        assertThat(first.name()).isEqualTo("stock-" + sku);
        assertThat(second.fencingToken()).isGreaterThan(first.fencingToken());
        assertThat(first.isValid()).isFalse();
        assertThat(LockLease.current()).isEmpty();
    }

    @Test
    void annotationKeyThatDoesNotEvaluateOrYieldsAnIllegalNameFailsNamingMethodAndExpression() {
        assertThatThrownBy(() -> this.service.broken("x")).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("#nosuch.length()").hasMessageContaining("broken");
        assertThatThrownBy(() -> this.service.reserve("a/b")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'stock-a/b'");
    }

    @Test
    void cutConnectionVoidsTheLeaseSignalsItAndInterruptsTheHolder() throws Exception {
        String name = unique("lost");
        CountDownLatch held = new CountDownLatch(1);
        List<LockLostEvent> heard = new CopyOnWriteArrayList<>();
        AtomicInteger interrupted = new AtomicInteger();
        List<LockLease> leases = new CopyOnWriteArrayList<>();
        Future<?> holder = this.threads.submit(() -> {
            try (LockLease lease = this.locks.mutex(name, "lost-on-cut").tryAcquire(Duration.ofSeconds(10))
                    .orElseThrow()) {
                lease.onLost(heard::add);
                leases.add(lease);
                held.countDown();
                try {
                    new CountDownLatch(1).await(60, TimeUnit.SECONDS);
                }
                catch (InterruptedException ex) {
                    interrupted.incrementAndGet();
                }
            }
            return null;
        });
        assertThat(held.await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(this.endpoint.section("locks")).asInstanceOf(InstanceOfAssertFactories.MAP)
                .extractingByKey("held").asInstanceOf(InstanceOfAssertFactories.LIST)
                .anySatisfy(entry -> {
                    Map<?, ?> lease = (Map<?, ?>) entry;
                    assertThat(lease.get("name")).isEqualTo(name);
                    assertThat(lease.get("token")).isEqualTo(leases.get(0).fencingToken());
                    assertThat(lease.get("since")).isNotNull();
                });

        this.registry.cutConnection(this.curator.getZookeeperClient().getZooKeeper());

        holder.get(30, TimeUnit.SECONDS);
        LockLease lease = leases.get(0);
        assertThat(lease.isValid()).isFalse();
        assertThat(interrupted).hasValue(1);
        assertThat(heard).singleElement().satisfies(event -> assertThat(event.getFencingToken())
                .isEqualTo(lease.fencingToken()));
        assertThat(this.lostLeases.events).anySatisfy(event -> assertThat(event.getLockName()).isEqualTo(name));
        assertThat(this.meters.get("meshkeeper.lock.lost").tag("lock", "lost-on-cut").counter().count()).isEqualTo(1);
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            Optional<LockLease> again = this.locks.mutex(name).tryAcquire(Duration.ofSeconds(2));
            assertThat(again).isPresent();
            again.get().close();
            assertThat(again.get().fencingToken()).isGreaterThan(lease.fencingToken());
        });
    }

    @Configuration(proxyBeanMethods = false)
    @EnableAutoConfiguration
    static class App {

        @Bean
        LockedService lockedService() {
            return new LockedService();
        }

        @Bean
        LostLeases lostLeases() {
            return new LostLeases();
        }
    }

    static class LockedService {

        private final AtomicInteger skipIfBusyRuns = new AtomicInteger();

        @DistributedLock(key = "'stock-' + #sku", waitFor = "2s")
        public String reserve(String sku) {
            return "reserved " + sku;
        }

        @DistributedLock(key = "'stock-' + #sku", waitFor = "2s", onTimeout = OnTimeout.SKIP)
        public String skipIfBusy(String sku) {
            this.skipIfBusyRuns.incrementAndGet();
            return "ran";
        }

        public int skipIfBusyRuns() {
            return this.skipIfBusyRuns.get();
        }

        @DistributedLock(key = "'stock-' + #sku", waitFor = "2s")
        public LockLease currentLease(String sku) {
            LockLease lease = LockLease.current().orElseThrow();
            assertThat(lease.isValid()).isTrue();
            return lease;
        }

        @DistributedLock(key = "#nosuch.length()")
        public String broken(String sku) {
            return sku;
        }
    }

    static class LostLeases {

        final List<LockLostEvent> events = new CopyOnWriteArrayList<>();

        @EventListener
        void on(LockLostEvent event) {
            this.events.add(event);
        }
    }
}
