package dev.meshkeeper.benchmarks.discovery;

import dev.meshkeeper.discovery.ZookeeperInstanceSerializer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.apache.curator.x.discovery.ServiceInstance;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.springframework.cloud.zookeeper.discovery.ZookeeperInstance;

/**
 * One read of a registration (the starter's 595-byte JSON of {@link RegistrationPaths}) by Meshkeeper's serializer,
 * as the watched instance cache reads every changed node of a watched service. No ZooKeeper involved.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(1)
public class RegistrationReadBenchmark {

    private static final byte[] REGISTRATION = ("{\"name\":\"registration-bench\","
            + "\"id\":\"registration-bench-127.0.0.1-18080\",\"address\":\"127.0.0.1\",\"port\":18080,\"sslPort\":null,"
            + "\"payload\":{\"@class\":\"org.springframework.cloud.zookeeper.discovery.ZookeeperInstance\","
            + "\"id\":\"registration-bench\",\"name\":\"registration-bench\",\"metadata\":{\"instance_status\":\"UP\","
            + "\"zone\":\"zone-a\",\"weight\":\"2\",\"version\":\"1.0.0\"}},\"registrationTimeUTC\":1796676408020,"
            + "\"serviceType\":\"DYNAMIC\",\"uriSpec\":{\"parts\":[{\"value\":\"scheme\",\"variable\":true},"
            + "{\"value\":\"://\",\"variable\":false},{\"value\":\"address\",\"variable\":true},"
            + "{\"value\":\":\",\"variable\":false},{\"value\":\"port\",\"variable\":true}]}}")
            .getBytes(StandardCharsets.UTF_8);

    private final ZookeeperInstanceSerializer serializer = new ZookeeperInstanceSerializer();

    @Benchmark
    public ServiceInstance<ZookeeperInstance> meshkeeperSerializer() throws Exception {
        return this.serializer.deserialize(REGISTRATION);
    }
}
