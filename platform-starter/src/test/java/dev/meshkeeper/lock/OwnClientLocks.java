package dev.meshkeeper.lock;

import static org.assertj.core.api.Assertions.assertThat;

import dev.meshkeeper.registry.junit.RegistryHandle;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.RetryOneTime;

/**
 * A lock participant outside Spring, as a second application would be: a connected client of its own (one retry)
 * and {@link CuratorDistributedLocks} over it with the given {@code meshkeeper.lock.max-holds}. Closing it closes
 * both.
 */
record OwnClientLocks(CuratorFramework curator, CuratorDistributedLocks locks) implements AutoCloseable {

    static OwnClientLocks start(RegistryHandle registry, int maxHolds, String instanceId)
            throws InterruptedException {
        CuratorFramework curator = CuratorFrameworkFactory.newClient(registry.connectString(), 10_000, 5_000,
                new RetryOneTime(100));
        curator.start();
        assertThat(curator.blockUntilConnected(10, TimeUnit.SECONDS)).isTrue();
        LockProperties properties = new LockProperties();
        properties.setMaxHolds(maxHolds);
        return new OwnClientLocks(curator,
                CuratorDistributedLocks.builder(curator).properties(properties).instanceId(() -> instanceId).build());
    }

    @Override
    public void close() {
        this.locks.close();
        this.curator.close();
    }
}
