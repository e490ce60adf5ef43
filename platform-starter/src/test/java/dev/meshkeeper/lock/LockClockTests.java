package dev.meshkeeper.lock;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.meshkeeper.registry.junit.EmbeddedRegistry;
import dev.meshkeeper.registry.junit.MutableClock;
import dev.meshkeeper.registry.junit.RegistryHandle;
import dev.meshkeeper.zookeeper.ZooKeeperConnectionAutoConfiguration;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.RetryOneTime;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/**
 * Lock times (a lease's {@code acquiredAt}, the holder JSON in the lock node, the endpoint's {@code since}) come
 * from the application's {@link Clock} bean, so tests control them.
 */
@EmbeddedRegistry
@Timeout(60)
class LockClockTests {

    private static final Instant NOW = Instant.parse("2030-01-02T03:04:05Z");

    @Test
    void leaseAndLockNodeTimesComeFromTheApplicationsClock(RegistryHandle registry) {
        MutableClock clock = new MutableClock(NOW);
        new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(ZooKeeperConnectionAutoConfiguration.class,
                        LockAutoConfiguration.class))
                .withBean(Clock.class, () -> clock)
                .withBean(CuratorFramework.class, () -> {
                    CuratorFramework curator = CuratorFrameworkFactory.newClient(registry.connectString(),
                            new RetryOneTime(100));
                    curator.start();
                    return curator;
                }, definition -> definition.setDestroyMethodName("close"))
                .run(context -> {
                    CuratorFramework curator = context.getBean(CuratorFramework.class);
                    assertThat(curator.blockUntilConnected(10, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
                    DistributedLocks locks = context.getBean(DistributedLocks.class);
                    try (LockLease lease = locks.mutex("clocked").acquire(Duration.ofSeconds(10))) {
                        assertThat(lease.acquiredAt()).isEqualTo(NOW);
                        List<String> nodes = curator.getChildren().forPath("/meshkeeper/locks/clocked");
                        Map<?, ?> holder = new ObjectMapper().readValue(
                                curator.getData().forPath("/meshkeeper/locks/clocked/" + nodes.get(0)), Map.class);
                        assertThat(holder.get("acquiredAt")).isEqualTo(NOW.toString());
                        clock.advance(Duration.ofMinutes(5));
                    }
                    try (LockLease later = locks.mutex("clocked").acquire(Duration.ofSeconds(10))) {
                        assertThat(later.acquiredAt()).isEqualTo(NOW.plus(Duration.ofMinutes(5)));
                        assertThat(((CuratorDistributedLocks) locks).heldLeases()).singleElement()
                                .satisfies(entry -> assertThat(entry).containsEntry("since",
                                        NOW.plus(Duration.ofMinutes(5)).toString()));
                    }
                });
    }
}
