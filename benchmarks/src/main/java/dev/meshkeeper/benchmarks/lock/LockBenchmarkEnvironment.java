package dev.meshkeeper.benchmarks.lock;

import dev.meshkeeper.lock.CuratorDistributedLocks;
import dev.meshkeeper.lock.DistributedLocks;
import dev.meshkeeper.registry.server.RegistryServer;
import dev.meshkeeper.registry.server.RegistryServerSettings;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.ExponentialBackoffRetry;

/** A real ZooKeeper server in this JVM on a random loopback port, and clients for it. */
final class LockBenchmarkEnvironment implements AutoCloseable {

    final RegistryServer server;

    LockBenchmarkEnvironment() {
        try {
            this.server = new RegistryServer(RegistryServerSettings.builder().bindAddress("127.0.0.1").clientPort(0)
                    .dataDir(Files.createTempDirectory("meshkeeper-bench-")).tickTime(Duration.ofMillis(200))
                    .minSessionTimeout(Duration.ofMillis(400)).maxSessionTimeout(Duration.ofSeconds(10))
                    .maxClientConnections(0).purgeInterval(Duration.ZERO).startupTimeout(Duration.ofSeconds(20))
                    .build());
        }
        catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
        this.server.start();
    }

    CuratorFramework newCurator() throws InterruptedException {
        CuratorFramework curator = CuratorFrameworkFactory.newClient(this.server.connectString(), 10_000, 5_000,
                new ExponentialBackoffRetry(50, 5, 500));
        curator.start();
        if (!curator.blockUntilConnected(20, TimeUnit.SECONDS)) {
            throw new IllegalStateException("no connection to " + this.server.connectString());
        }
        return curator;
    }

    static DistributedLocks distributedLocks(CuratorFramework curator, String instanceId) {
        return CuratorDistributedLocks.builder(curator).instanceId(() -> instanceId)
                .meterRegistry(new SimpleMeterRegistry()).build();
    }

    @Override
    public void close() {
        this.server.close();
    }
}
