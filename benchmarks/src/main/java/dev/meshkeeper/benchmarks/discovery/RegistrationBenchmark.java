package dev.meshkeeper.benchmarks.discovery;

import dev.meshkeeper.registry.server.RegistryServer;
import dev.meshkeeper.registry.server.RegistryServerSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One registration and deregistration of a service instance, one thread, one server (fsync on), every path writing
 * the same JSON (the starter's registration), one ephemeral node each; the paths are described in
 * {@link RegistrationPaths}. The pairs to compare, like with like:
 * <ul>
 * <li>{@code meshkeeperRegistry} (the starter's {@code ServiceRegistry}, the application's own registration, which
 * the application's cache watches) against {@code curatorServiceDiscoveryWatched} (raw Curator
 * {@code ServiceDiscovery} with a {@code CuratorCache} on the writing client over the service it writes);</li>
 * <li>{@code meshkeeperRegistryUnwatchedService} against {@code curatorServiceDiscovery}: nobody watches.</li>
 * </ul>
 * {@code applicationServiceDiscovery} calls the application's own {@code ServiceDiscovery} bean directly.
 * Each benchmark method runs in a JVM of its own, minutes apart from the others on a busy machine:
 * {@link RegistrationTrafficHarness} times the same paths interleaved in one JVM and counts their requests.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 3)
@Measurement(iterations = 3, time = 3)
@Fork(1)
public class RegistrationBenchmark {

    private Path dataDir;

    private RegistryServer server;

    private RegistrationPaths paths;

    @Setup(Level.Trial)
    public void start() throws Exception {
        this.dataDir = Files.createTempDirectory("meshkeeper-registration-bench");
        this.server = new RegistryServer(RegistryServerSettings.builder().bindAddress("127.0.0.1").clientPort(0)
                .dataDir(this.dataDir).build());
        this.server.start();
        this.paths = new RegistrationPaths(this.server.connectString());
    }

    @TearDown(Level.Trial)
    public void stop() throws Exception {
        try {
            this.paths.close();
        }
        finally {
            this.server.close();
            try (Stream<Path> files = Files.walk(this.dataDir)) {
                files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
            }
        }
    }

    @Benchmark
    public void meshkeeperRegistry() {
        this.paths.starter();
    }

    /** The starter's path for a service nobody watches. */
    @Benchmark
    public void meshkeeperRegistryUnwatchedService() {
        this.paths.starterUnwatched();
    }

    @Benchmark
    public void applicationServiceDiscovery() throws Exception {
        this.paths.applicationDiscovery();
    }

    @Benchmark
    public void curatorServiceDiscovery() throws Exception {
        this.paths.raw();
    }

    /** Raw Curator with a cache on the writing client over the service it writes, as the starter's application. */
    @Benchmark
    public void curatorServiceDiscoveryWatched() throws Exception {
        this.paths.rawWatched();
    }
}
