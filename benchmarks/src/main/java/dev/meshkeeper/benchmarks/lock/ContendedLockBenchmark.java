package dev.meshkeeper.benchmarks.lock;

import dev.meshkeeper.lock.ClusterLock;
import dev.meshkeeper.lock.DistributedLocks;
import dev.meshkeeper.lock.LockLease;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
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
import org.openjdk.jmh.annotations.Threads;

/**
 * 16 threads of one JVM on one lock: completed acquire + release cycles per second (all threads together).
 * Meshkeeper queues the threads locally behind one lock node; raw Curator gives every thread its own node and
 * watch.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Threads(16)
public class ContendedLockBenchmark {

    LockBenchmarkEnvironment environment;

    CuratorFramework meshkeeperClient;

    CuratorFramework curatorClient;

    DistributedLocks locks;

    ClusterLock meshkeeperMutex;

    InterProcessMutex curatorMutex;

    @Setup
    public void setUp() throws Exception {
        this.environment = new LockBenchmarkEnvironment();
        this.meshkeeperClient = this.environment.newCurator();
        this.curatorClient = this.environment.newCurator();
        this.locks = LockBenchmarkEnvironment.distributedLocks(this.meshkeeperClient, "bench");
        this.meshkeeperMutex = this.locks.mutex("bench-contended-meshkeeper");
        this.curatorMutex = new InterProcessMutex(this.curatorClient, "/meshkeeper/locks/bench-contended-curator");
    }

    @TearDown
    public void tearDown() {
        this.locks.close();
        this.meshkeeperClient.close();
        this.curatorClient.close();
        this.environment.close();
    }

    @Benchmark
    public long meshkeeperMutex16Threads() {
        try (LockLease lease = this.meshkeeperMutex.tryAcquire(Duration.ofSeconds(60)).orElseThrow()) {
            return lease.fencingToken();
        }
    }

    @Benchmark
    public boolean curatorInterProcessMutex16Threads() throws Exception {
        this.curatorMutex.acquire();
        this.curatorMutex.release();
        return true;
    }
}
