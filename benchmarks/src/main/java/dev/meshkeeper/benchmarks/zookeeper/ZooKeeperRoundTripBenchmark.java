package dev.meshkeeper.benchmarks.zookeeper;

import dev.meshkeeper.registry.server.RegistryServer;
import dev.meshkeeper.registry.server.RegistryServerSettings;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.Watcher.Event.KeeperState;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * The physical limit every other benchmark compares against: raw ZooKeeper client round trips to the embedded
 * registry server (a real ZooKeeper server, transaction log fsync on, as in production) over loopback.
 * <ul>
 * <li>{@code createDelete}: one write to create a znode and one to delete it (two quorum writes).</li>
 * <li>{@code setData}: one write.</li>
 * <li>{@code getData}: one read.</li>
 * </ul>
 * {@code forceSync=no} shows what turning off the transaction log's fsync buys (and risks: acknowledged writes can be
 * lost when the machine, not just the process, dies). It is JVM-wide in ZooKeeper, hence one fork per value.
 * <p>
 * Run: {@code java -jar benchmarks/target/meshkeeper-benchmarks.jar ZooKeeperRoundTrip -f 1 -wi 2 -w 2s -i 3 -r 3s}
 */
@State(Scope.Benchmark)
@BenchmarkMode({ Mode.Throughput, Mode.SampleTime })
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class ZooKeeperRoundTripBenchmark {

    private static final byte[] PAYLOAD = new byte[128];

    /** ZooKeeper's forceSync: fsync the transaction log before acknowledging a write (the default). */
    @Param({ "yes", "no" })
    public String forceSync;

    private Path dataDir;

    private RegistryServer server;

    private ZooKeeper zk;

    @Setup(Level.Trial)
    public void start() throws Exception {
        this.dataDir = Files.createTempDirectory("meshkeeper-bench-");
        this.server = new RegistryServer(RegistryServerSettings.builder().bindAddress("127.0.0.1").clientPort(0)
                .dataDir(this.dataDir).purgeInterval(Duration.ZERO).maxClientConnections(0)
                .zooKeeperProperty("forceSync", this.forceSync).build());
        this.server.start();
        CountDownLatch connected = new CountDownLatch(1);
        this.zk = new ZooKeeper(this.server.connectString(), 30_000, event -> {
            if (event.getState() == KeeperState.SyncConnected) {
                connected.countDown();
            }
        });
        if (!connected.await(30, TimeUnit.SECONDS)) {
            throw new IllegalStateException("no connection to " + this.server.connectString());
        }
        this.zk.create("/bench", PAYLOAD, ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
        this.zk.create("/bench/read", PAYLOAD, ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
    }

    @TearDown(Level.Trial)
    public void stop() throws InterruptedException, IOException {
        this.zk.close();
        this.server.close();
        try (Stream<Path> files = Files.walk(this.dataDir)) {
            files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        }
    }

    @Benchmark
    public void createDelete() throws KeeperException, InterruptedException {
        String path = this.zk.create("/bench/node-", PAYLOAD, ZooDefs.Ids.OPEN_ACL_UNSAFE,
                CreateMode.PERSISTENT_SEQUENTIAL);
        this.zk.delete(path, -1);
    }

    @Benchmark
    public Object setData() throws KeeperException, InterruptedException {
        return this.zk.setData("/bench/read", PAYLOAD, -1);
    }

    @Benchmark
    public byte[] getData() throws KeeperException, InterruptedException {
        return this.zk.getData("/bench/read", false, null);
    }
}
