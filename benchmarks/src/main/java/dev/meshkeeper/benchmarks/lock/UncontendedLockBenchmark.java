package dev.meshkeeper.benchmarks.lock;

import dev.meshkeeper.lock.ClusterLock;
import dev.meshkeeper.lock.DistributedLocks;
import dev.meshkeeper.lock.LockLease;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Lock;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.recipes.locks.InterProcessMutex;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.springframework.integration.zookeeper.lock.ZookeeperLockRegistry;

/**
 * Uncontended acquire + release cycles per second on one lock, one thread, against a real ZooKeeper in the same
 * JVM: Meshkeeper's mutex vs. Curator's {@code InterProcessMutex} vs. Spring Integration's
 * {@code ZookeeperLockRegistry}, each over its own Curator client.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class UncontendedLockBenchmark {

    LockBenchmarkEnvironment environment;

    CuratorFramework meshkeeperClient;

    CuratorFramework curatorClient;

    CuratorFramework integrationClient;

    DistributedLocks locks;

    ClusterLock meshkeeperMutex;

    InterProcessMutex curatorMutex;

    ZookeeperLockRegistry lockRegistry;

    Lock integrationLock;

    @Setup
    public void setUp() throws Exception {
        this.environment = new LockBenchmarkEnvironment();
        this.meshkeeperClient = this.environment.newCurator();
        this.curatorClient = this.environment.newCurator();
        this.integrationClient = this.environment.newCurator();
        this.locks = LockBenchmarkEnvironment.distributedLocks(this.meshkeeperClient, "bench");
        this.meshkeeperMutex = this.locks.mutex("bench-meshkeeper");
        this.curatorMutex = new InterProcessMutex(this.curatorClient, "/meshkeeper/locks/bench-curator");
        this.lockRegistry = new ZookeeperLockRegistry(this.integrationClient, "/meshkeeper/locks/bench-integration");
        this.integrationLock = this.lockRegistry.obtain("lock");
    }

    @TearDown
    public void tearDown() throws Exception {
        this.lockRegistry.destroy();
        this.locks.close();
        this.meshkeeperClient.close();
        this.curatorClient.close();
        this.integrationClient.close();
        this.environment.close();
    }

    @Benchmark
    public long meshkeeperMutex() {
        try (LockLease lease = this.meshkeeperMutex.tryAcquire(Duration.ofSeconds(10)).orElseThrow()) {
            return lease.fencingToken();
        }
    }

    @Benchmark
    public boolean curatorInterProcessMutex() throws Exception {
        this.curatorMutex.acquire();
        this.curatorMutex.release();
        return true;
    }

    @Benchmark
    public boolean springIntegrationZookeeperLockRegistry() {
        this.integrationLock.lock();
        this.integrationLock.unlock();
        return true;
    }
}
