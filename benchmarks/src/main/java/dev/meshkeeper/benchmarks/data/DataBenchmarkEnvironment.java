package dev.meshkeeper.benchmarks.data;

import dev.meshkeeper.data.DataProperties;
import dev.meshkeeper.data.SharedData;
import dev.meshkeeper.registry.server.RegistryServer;
import dev.meshkeeper.registry.server.RegistryServerSettings;
import dev.meshkeeper.zookeeper.ZooKeeperConnectionMonitor;
import dev.meshkeeper.zookeeper.ZooKeeperRequests;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.ExponentialBackoffRetry;
import org.apache.zookeeper.Watcher;
import org.apache.zookeeper.ZooKeeper;

/**
 * A real ZooKeeper server in this JVM on a random loopback port, and applications for it: each its own Curator
 * client (its own session) with its own {@link SharedData}, as in separate JVMs.
 */
final class DataBenchmarkEnvironment implements AutoCloseable {

    final RegistryServer server;

    private final List<AutoCloseable> opened = new ArrayList<>();

    DataBenchmarkEnvironment() {
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
        this.opened.add(0, curator);
        return curator;
    }

    /** One application: a Curator client of its own and the SharedData over it. */
    SharedData newApplication(CuratorFramework curator) {
        ZooKeeperConnectionMonitor monitor = new ZooKeeperConnectionMonitor(curator, event -> {
        });
        monitor.afterPropertiesSet();
        ZooKeeperRequests requests = new ZooKeeperRequests(curator, monitor, Duration.ofSeconds(5),
                Clock.systemUTC());
        SharedData data = new SharedData(requests, new DataProperties());
        this.opened.add(0, data);
        return data;
    }

    /** Expires the session of {@code curator}'s client, as the server does when it stops hearing from it. */
    void expireSession(CuratorFramework curator) throws Exception {
        ZooKeeper client = curator.getZookeeperClient().getZooKeeper();
        CountDownLatch connected = new CountDownLatch(1);
        ZooKeeper twin = new ZooKeeper(this.server.connectString(), 10_000, event -> {
            if (event.getState() == Watcher.Event.KeeperState.SyncConnected) {
                connected.countDown();
            }
        }, client.getSessionId(), client.getSessionPasswd());
        if (!connected.await(10, TimeUnit.SECONDS)) {
            throw new IllegalStateException("could not join the session to expire it");
        }
        twin.close();
    }

    @Override
    public void close() {
        for (AutoCloseable closeable : this.opened) {
            try {
                closeable.close();
            }
            catch (Exception ex) {
                // closing anyway
            }
        }
        this.server.close();
    }
}
