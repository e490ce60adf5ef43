package dev.meshkeeper.lock;

import static org.assertj.core.api.Assertions.assertThat;

import dev.meshkeeper.registry.junit.EmbeddedRegistry;
import dev.meshkeeper.registry.junit.RegistryHandle;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.RetryOneTime;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.springframework.aop.framework.ProxyFactory;

/**
 * The lock meters are tagged by a bounded name — an explicit meter name, or the {@code @DistributedLock} key
 * expression as written — never by the lock's own (often per-key) name.
 */
@EmbeddedRegistry
@Timeout(60)
class LockMeterNameTests {

    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();

    private CuratorFramework curator;

    private CuratorDistributedLocks locks;

    @BeforeEach
    void start(RegistryHandle registry) throws InterruptedException {
        this.curator = CuratorFrameworkFactory.newClient(registry.connectString(), 10_000, 5_000,
                new RetryOneTime(100));
        this.curator.start();
        assertThat(this.curator.blockUntilConnected(10, TimeUnit.SECONDS)).isTrue();
        this.locks = CuratorDistributedLocks.builder(this.curator).meterRegistry(this.meters).instanceId(() -> "meters")
                .build();
    }

    @AfterEach
    void stop() {
        this.locks.close();
        this.curator.close();
    }

    @Test
    void programmaticLocksAreTaggedByTheirMeterNameOrUnnamedNeverByTheLockName() throws Exception {
        for (String sku : new String[] { "sku-1", "sku-2", "sku-3" }) {
            try (LockLease lease = this.locks.mutex("stock-" + sku, "stock").acquire(Duration.ofSeconds(10))) {
                assertThat(this.meters.get("meshkeeper.lock.held").tag("lock", "stock").longTaskTimer().activeTasks())
                        .isEqualTo(1);
            }
        }
        this.locks.mutex("report-sku-1").acquire(Duration.ofSeconds(10)).close();
        this.locks.readWrite("catalog-sku-1", "catalog").readLock().acquire(Duration.ofSeconds(10)).close();
        this.locks.readWrite("catalog-sku-1", "catalog").writeLock().acquire(Duration.ofSeconds(10)).close();
        this.locks.semaphore("pool-sku-1", 2, "pool").acquire(Duration.ofSeconds(10)).close();

        assertThat(this.meters.get("meshkeeper.lock.acquire").tag("lock", "stock").tag("outcome", "acquired").timer()
                .count()).as("one timer for the family of locks").isEqualTo(3);
        assertThat(lockTags()).containsExactlyInAnyOrder("stock", DistributedLocks.UNNAMED_METER, "catalog:read",
                "catalog:write", "pool");
    }

    @Test
    void annotatedMethodsAreTaggedByTheirKeyExpressionOrMeterNameNeverByTheEvaluatedKey() {
        ProxyFactory factory = new ProxyFactory(new Annotated());
        factory.setProxyTargetClass(true);
        factory.addAdvice(new DistributedLockInterceptor(this.locks, new LockProperties()));
        Annotated proxy = (Annotated) factory.getProxy();
        proxy.byKey("sku-1");
        proxy.byKey("sku-2");
        proxy.named("sku-1");
        proxy.fixed();

        assertThat(this.meters.get("meshkeeper.lock.acquire").tag("lock", "'stock-' + #sku").timer().count())
                .isEqualTo(2);
        assertThat(lockTags()).containsExactlyInAnyOrder("'stock-' + #sku", "orders", "Annotated.fixed");
    }

    private java.util.Set<String> lockTags() {
        java.util.Set<String> tags = new java.util.TreeSet<>();
        for (Meter meter : this.meters.getMeters()) {
            if (meter.getId().getName().startsWith("meshkeeper.lock.")) {
                tags.add(meter.getId().getTag("lock"));
            }
        }
        return tags;
    }

    static class Annotated {

        @DistributedLock(key = "'stock-' + #sku", waitFor = "5s")
        public void byKey(String sku) {
        }

        @DistributedLock(key = "'order-' + #sku", meterName = "orders", waitFor = "5s")
        public void named(String sku) {
        }

        @DistributedLock(waitFor = "5s")
        public void fixed() {
        }
    }
}
