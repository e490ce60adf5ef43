package dev.meshkeeper.benchmarks.config;

import dev.meshkeeper.registry.server.RegistryServer;
import dev.meshkeeper.registry.server.RegistryServerSettings;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.framework.recipes.cache.CuratorCache;
import org.apache.curator.framework.recipes.cache.CuratorCacheListener;
import org.apache.curator.retry.RetryOneTime;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.springframework.beans.factory.support.BeanDefinitionRegistry;
import org.springframework.beans.factory.support.BeanDefinitionRegistryPostProcessor;
import org.springframework.beans.factory.support.RootBeanDefinition;
import org.springframework.boot.Banner;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;

/**
 * Config write to ZooKeeper → the {@code @ConfigurationProperties} bean holds the new value, end to end against a
 * real in-process ZooKeeper. {@code path=meshkeeper}: Meshkeeper's targeted refresh (default coalesce window);
 * {@code path=spring-cloud}: Spring Cloud Zookeeper's default path ({@code ConfigWatcher} → {@code RefreshEvent} →
 * {@code ContextRefresher.refresh()}), selected with {@code meshkeeper.config.enabled=false};
 * {@code path=raw-watch}: the floor, a Curator {@link CuratorCache} listener of its own client on the same node that
 * parses the value and hands it to the same waiting bean (no application; {@code beans} does not apply). {@code beans}
 * is the number of {@code @ConfigurationProperties} beans in the context. One sample = one write and the wait until the
 * bean sees it (bounded: a sample that does not arrive within 30 s fails the run). ZooKeeper runs with
 * {@code forceSync=no}: the disk flush of each write would add the same delay to both paths. {@code pauseMs} is the
 * quiet time before each write, outside the measured time: with the default, every change is a single change after a
 * quiet period (longer than Meshkeeper's 5 ms coalescing window); {@code pauseMs=0} writes as soon as the previous
 * value was seen, a steady stream in which Meshkeeper's refreshes are at least one coalescing window apart.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 20)
@Measurement(iterations = 200)
@Fork(1)
public class ConfigRefreshBenchmark {

    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    @Param({ "raw-watch", "meshkeeper", "spring-cloud" })
    public String path;

    @Param({ "1", "200" })
    public int beans;

    @Param({ "20" })
    public int pauseMs;

    private Path dataDir;

    private RegistryServer server;

    private CuratorFramework writer;

    private ConfigurableApplicationContext application;

    private CuratorFramework watcher;

    private CuratorCache watch;

    private BenchProperties target;

    private String znode;

    private int next;

    @Setup(Level.Trial)
    public void start() throws Exception {
        this.dataDir = Files.createTempDirectory("meshkeeper-config-bench");
        this.server = new RegistryServer(RegistryServerSettings.builder().bindAddress("127.0.0.1").clientPort(0)
                .dataDir(this.dataDir).tickTime(Duration.ofMillis(200))
                // The transaction log's fsync costs both paths the same; without it the refresh paths are compared.
                .zooKeeperProperty("forceSync", "no").build());
        this.server.start();
        this.writer = CuratorFrameworkFactory.newClient(this.server.connectString(), new RetryOneTime(100));
        this.writer.start();
        this.writer.blockUntilConnected(30, TimeUnit.SECONDS);
        String name = "config-bench-" + this.path + "-" + this.beans;
        this.znode = "/config/" + name + "/bench/value";
        this.writer.create().creatingParentsIfNeeded().forPath(this.znode, "0".getBytes(StandardCharsets.UTF_8));
        if ("raw-watch".equals(this.path)) {
            startRawWatch();
            return;
        }
        this.application = new SpringApplicationBuilder(BenchApplication.class).web(WebApplicationType.NONE)
                .bannerMode(Banner.Mode.OFF).logStartupInfo(false)
                .run("--spring.application.name=" + name, "--spring.config.import=zookeeper:",
                        "--spring.cloud.zookeeper.connect-string=" + this.server.connectString(),
                        "--spring.cloud.zookeeper.discovery.enabled=false",
                        "--spring.cloud.service-registry.auto-registration.enabled=false",
                        "--meshkeeper.config.enabled=" + "meshkeeper".equals(this.path),
                        "--bench.fillers=" + (this.beans - 1));
        this.target = this.application.getBean(BenchProperties.class);
        if (this.target.getValue() != 0) {
            throw new IllegalStateException("the benchmark bean did not load bench.value from " + this.znode);
        }
    }

    private void startRawWatch() throws InterruptedException {
        this.watcher = CuratorFrameworkFactory.newClient(this.server.connectString(), new RetryOneTime(100));
        this.watcher.start();
        this.watcher.blockUntilConnected(30, TimeUnit.SECONDS);
        BenchProperties bean = new BenchProperties();
        CountDownLatch initialized = new CountDownLatch(1);
        this.watch = CuratorCache.build(this.watcher, this.znode, CuratorCache.Options.SINGLE_NODE_CACHE);
        this.watch.listenable().addListener(CuratorCacheListener.builder().forCreatesAndChanges((oldData, data) -> {
            if (data.getData() != null) {
                bean.setValue(Integer.parseInt(new String(data.getData(), StandardCharsets.UTF_8)));
            }
        }).forInitialized(initialized::countDown).build());
        this.watch.start();
        if (!initialized.await(30, TimeUnit.SECONDS) || bean.getValue() != 0) {
            throw new IllegalStateException("the raw watch did not read " + this.znode);
        }
        this.target = bean;
    }

    /** The quiet time before a write (not measured), so that each change is a single change, not part of a stream. */
    @Setup(Level.Invocation)
    public void pause() throws InterruptedException {
        if (this.pauseMs > 0) {
            Thread.sleep(this.pauseMs);
        }
    }

    @Benchmark
    public int writeThenObserve() throws Exception {
        int value = ++this.next;
        this.writer.setData().forPath(this.znode, Integer.toString(value).getBytes(StandardCharsets.UTF_8));
        if (!this.target.awaitValue(value, TIMEOUT)) {
            throw new IllegalStateException("bench.value=" + value + " not observed within " + TIMEOUT);
        }
        return value;
    }

    @TearDown(Level.Trial)
    public void stop() throws IOException {
        if (this.application != null) {
            this.application.close();
        }
        if (this.watch != null) {
            this.watch.close();
        }
        if (this.watcher != null) {
            this.watcher.close();
        }
        if (this.writer != null) {
            this.writer.close();
        }
        if (this.server != null) {
            this.server.stop();
        }
        try (Stream<Path> files = Files.walk(this.dataDir)) {
            files.sorted(Comparator.reverseOrder()).forEach((file) -> file.toFile().delete());
        }
    }

    /** The application under test: one watched properties bean and {@code bench.fillers} unrelated ones. */
    @Configuration(proxyBeanMethods = false)
    @EnableAutoConfiguration
    @EnableConfigurationProperties(BenchProperties.class)
    public static class BenchApplication {

        @Bean
        static BeanDefinitionRegistryPostProcessor fillerProperties(Environment environment) {
            int fillers = environment.getProperty("bench.fillers", Integer.class, 0);
            return (BeanDefinitionRegistry registry) -> {
                for (int i = 0; i < fillers; i++) {
                    registry.registerBeanDefinition("filler-" + i, new RootBeanDefinition(FillerProperties.class));
                }
            };
        }
    }

    /**
     * The bean whose value the benchmark changes. The waiting thread blocks until the setter runs (no spinning, so
     * the measuring thread does not take CPU from the refresh it measures, on either path).
     */
    @ConfigurationProperties("bench")
    public static class BenchProperties {

        private int value = -1;

        public synchronized int getValue() {
            return this.value;
        }

        public synchronized void setValue(int value) {
            this.value = value;
            notifyAll();
        }

        synchronized boolean awaitValue(int expected, Duration timeout) throws InterruptedException {
            long deadline = System.nanoTime() + timeout.toNanos();
            while (this.value != expected) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                TimeUnit.NANOSECONDS.timedWait(this, left);
            }
            return true;
        }
    }

    /** An unrelated properties bean: context size for the default path, untouched by the targeted one. */
    @ConfigurationProperties("filler")
    public static class FillerProperties {

        private String name = "filler";

        private Duration timeout = Duration.ofSeconds(1);

        public String getName() {
            return this.name;
        }

        public void setName(String name) {
            this.name = name;
        }

        public Duration getTimeout() {
            return this.timeout;
        }

        public void setTimeout(Duration timeout) {
            this.timeout = timeout;
        }
    }
}
