package dev.meshkeeper.benchmarks.data;

import dev.meshkeeper.data.SharedCounter;
import dev.meshkeeper.data.SharedData;
import dev.meshkeeper.data.SharedMap;
import dev.meshkeeper.data.SharedValue;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.CuratorFramework;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import tools.jackson.databind.json.JsonMapper;

/**
 * Cost of a read of shared data (run with {@code -prof gc} for the bytes allocated per read), next to Curator's
 * {@code SharedValue}, whose {@code getValue()} copies the bytes, decoded with Jackson as an application must.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class SharedDataReadBenchmark {

    public record Stock(int available, long fencingToken) {
    }

    private DataBenchmarkEnvironment environment;

    private SharedValue<Stock> value;

    private SharedMap<Stock> map;

    private SharedCounter counter;

    private org.apache.curator.framework.recipes.shared.SharedValue curatorValue;

    private final JsonMapper json = JsonMapper.builder().build();

    @Setup(Level.Trial)
    public void start() throws Exception {
        this.environment = new DataBenchmarkEnvironment();
        CuratorFramework curator = this.environment.newCurator();
        SharedData data = this.environment.newApplication(curator);
        this.value = data.value("bench-read-value", Stock.class);
        this.value.set(new Stock(42, 7));
        this.map = data.map("bench-read-map", Stock.class);
        for (int i = 0; i < 1_000; i++) {
            this.map.put("sku-" + i, new Stock(i, 1));
        }
        this.counter = data.counter("bench-read-counter");
        this.counter.incrementAndGet(42);
        this.curatorValue = new org.apache.curator.framework.recipes.shared.SharedValue(curator,
                "/meshkeeper/data/bench-read-value", new byte[0]);
        this.curatorValue.start();
    }

    @TearDown(Level.Trial)
    public void stop() throws Exception {
        this.curatorValue.close();
        this.environment.close();
    }

    @Benchmark
    public Stock sharedValueGet() {
        return this.value.get();
    }

    @Benchmark
    public Stock sharedMapGet() {
        return this.map.get("sku-500");
    }

    @Benchmark
    public long sharedCounterGet() {
        return this.counter.get();
    }

    @Benchmark
    public Stock curatorSharedValueGetAndDecode() {
        return this.json.readValue(this.curatorValue.getValue(), Stock.class);
    }

    @Benchmark
    public byte[] curatorSharedValueGetBytes() {
        return this.curatorValue.getValue();
    }
}
