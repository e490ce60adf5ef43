package dev.meshkeeper.data;

import dev.meshkeeper.registry.junit.RegistryHandle;
import dev.meshkeeper.zookeeper.ZooKeeperConnectionMonitor;
import dev.meshkeeper.zookeeper.ZooKeeperRequests;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.ExponentialBackoffRetry;
import org.apache.zookeeper.ZooKeeper;
import tools.jackson.databind.json.JsonMapper;

/** One application's view of shared data for tests: its own Curator session, requests and {@link SharedData}. */
final class DataClient implements AutoCloseable {

    final CuratorFramework curator;

    final ZooKeeperConnectionMonitor monitor;

    final SharedData data;

    final SimpleMeterRegistry meters = new SimpleMeterRegistry();

    /** Every {@link SharedDataChangedEvent} published, in order. */
    final List<SharedDataChangedEvent> events = new CopyOnWriteArrayList<>();

    DataClient(RegistryHandle registry) throws InterruptedException {
        this(registry, new DataProperties());
    }

    DataClient(RegistryHandle registry, DataProperties properties) throws InterruptedException {
        this(registry.connectString(), properties);
    }

    DataClient(String connectString, DataProperties properties) throws InterruptedException {
        this.curator = CuratorFrameworkFactory.builder().connectString(connectString)
                .sessionTimeoutMs(6_000).connectionTimeoutMs(2_000)
                .retryPolicy(new ExponentialBackoffRetry(100, 20, 500)).build();
        this.monitor = new ZooKeeperConnectionMonitor(this.curator, event -> { });
        this.curator.start();
        this.curator.blockUntilConnected();
        this.monitor.afterPropertiesSet();
        ZooKeeperRequests requests = new ZooKeeperRequests(this.curator, this.monitor, Duration.ofSeconds(2),
                Clock.systemUTC());
        this.data = new SharedData(requests, JsonMapper.builder().build(), properties, event -> {
            if (event instanceof SharedDataChangedEvent changed) {
                this.events.add(changed);
            }
        }, this.meters, Clock.systemUTC());
    }

    ZooKeeper zooKeeper() throws Exception {
        return this.curator.getZookeeperClient().getZooKeeper();
    }

    @Override
    public void close() {
        this.data.close();
        this.monitor.destroy();
        this.curator.close();
    }
}
