package dev.meshkeeper.benchmarks.soak;

import dev.meshkeeper.benchmarks.summary.BenchmarkResults;
import dev.meshkeeper.benchmarks.summary.Goal;
import dev.meshkeeper.discovery.WatchedInstances;
import dev.meshkeeper.discovery.ZookeeperInstanceSerializer;
import dev.meshkeeper.registry.server.RegistryServer;
import dev.meshkeeper.registry.server.RegistryServerSettings;
import dev.meshkeeper.registry.server.ServerStatistics;
import dev.meshkeeper.zookeeper.ZooKeeperConnectionMonitor;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.ExponentialBackoffRetry;
import org.apache.curator.x.discovery.ServiceInstance;
import org.apache.curator.x.discovery.UriSpec;
import org.apache.curator.x.discovery.details.JsonInstanceSerializer;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.cloud.zookeeper.discovery.ZookeeperInstance;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Configuration;

/**
 * Scale figure: many instances over many services on one embedded registry server (ephemeral nodes in Spring Cloud
 * Zookeeper's format, written asynchronously from a few Curator clients), then one consumer application looks every
 * service up, one after the other: first through the consumer's own cache, which loads each service on its first
 * lookup, then through a cache that preloads every service ({@code meshkeeper.discovery.preload-services=*}, timed
 * from its creation). Reports both times, the CPU time of each phase by thread group (the in-process ZooKeeper
 * server, the client's I/O, event and notification threads, the JIT compiler, GC), the heap the caches take (after
 * GC, before vs. after), the server's figures and the load average.
 * <p>
 * Arguments (optional): {@code --instances=10000}, {@code --services=500}, {@code --clients=4}.
 */
public final class ScaleHarness {

    private ScaleHarness() {
    }

    public static void main(String[] args) throws Exception {
        int instances = 10_000;
        int services = 500;
        int clientCount = 4;
        for (String arg : args) {
            String[] pair = arg.replaceFirst("^--", "").split("=", 2);
            int value = Integer.parseInt(pair[1]);
            switch (pair[0]) {
                case "instances" -> instances = value;
                case "services" -> services = value;
                case "clients" -> clientCount = value;
                default -> throw new IllegalArgumentException(
                        "unknown argument " + arg + "; use --instances=, --services= or --clients=");
            }
        }
        RegistryServer server = new RegistryServer(RegistryServerSettings.builder().bindAddress("127.0.0.1")
                .clientPort(0).dataDir(Files.createTempDirectory("meshkeeper-scale-")).tickTime(Duration.ofMillis(200))
                .maxSessionTimeout(Duration.ofSeconds(30)).maxClientConnections(0).purgeInterval(Duration.ZERO)
                .startupTimeout(Duration.ofSeconds(20)).build());
        server.start();
        List<CuratorFramework> clients = new ArrayList<>();
        for (int i = 0; i < clientCount; i++) {
            CuratorFramework client = CuratorFrameworkFactory.newClient(server.connectString(), 30_000, 10_000,
                    new ExponentialBackoffRetry(50, 5, 500));
            client.start();
            client.blockUntilConnected(20, TimeUnit.SECONDS);
            clients.add(client);
        }
        for (int s = 0; s < services; s++) {
            try {
                clients.get(0).create().creatingParentsIfNeeded().forPath("/services/scale-" + s);
            }
            catch (KeeperException.NodeExistsException ex) {
                // already there
            }
        }
        JsonInstanceSerializer<ZookeeperInstance> serializer = new JsonInstanceSerializer<>(ZookeeperInstance.class);
        Semaphore inFlight = new Semaphore(2_000);
        AtomicInteger failed = new AtomicInteger();
        long registering = System.nanoTime();
        for (int i = 0; i < instances; i++) {
            String service = "scale-" + (i % services);
            String id = service + "-" + i;
            HashMap<String, String> metadata = new HashMap<>();
            metadata.put("instance_status", "UP");
            metadata.put("zone", "zone-" + (i % 3));
            ServiceInstance<ZookeeperInstance> instance = ServiceInstance.<ZookeeperInstance>builder().name(service)
                    .id(id).address("127.0.0.1").port(10_000 + (i % 50_000))
                    .uriSpec(new UriSpec("{scheme}://{address}:{port}"))
                    .payload(new ZookeeperInstance(id, service, metadata)).build();
            inFlight.acquire();
            clients.get(i % clientCount).create().withMode(CreateMode.EPHEMERAL).inBackground((c, event) -> {
                if (event.getResultCode() != 0) {
                    failed.incrementAndGet();
                }
                inFlight.release();
            }).forPath("/services/" + service + "/" + id, serializer.serialize(instance));
        }
        inFlight.acquire(2_000);
        inFlight.release(2_000);
        long registered = System.nanoTime() - registering;
        ServerStatistics loaded = server.statistics().orElseThrow();

        ConfigurableApplicationContext consumer = new SpringApplicationBuilder(Consumer.class)
                .web(WebApplicationType.NONE)
                .properties("spring.application.name=scale-consumer", "spring.config.import=optional:zookeeper:",
                        "spring.cloud.zookeeper.connect-string=" + server.connectString(),
                        "spring.main.banner-mode=off", "spring.cloud.zookeeper.discovery.instance-host=127.0.0.1",
                        "spring.cloud.service-registry.auto-registration.enabled=false", "logging.level.root=WARN")
                .run();
        // On first lookup (the default): the consumer's own cache.
        WatchedInstances watched = consumer.getBean(WatchedInstances.class);
        double heapBefore = heapAfterGc();
        long buildCpu = processCpuNanos();
        ThreadCpu buildThreads = ThreadCpu.now();
        long building = System.nanoTime();
        int cached = 0;
        for (int s = 0; s < services; s++) {
            cached += watched.allInstances("scale-" + s).size();
        }
        long built = System.nanoTime() - building;
        buildCpu = processCpuNanos() - buildCpu;
        Map<String, Double> buildShares = ThreadCpu.now().since(buildThreads);
        double heapAfter = heapAfterGc();

        // Preloaded (meshkeeper.discovery.preload-services=*): a cache built on the consumer's connection, timed from
        // its creation to the last of the sequential lookups, then closed. Measured second: the
        // code is warm by then, which this figure gains from.
        double preloadHeapBefore = heapAfterGc();
        long preloadCpu = processCpuNanos();
        ThreadCpu preloadThreads = ThreadCpu.now();
        long preloading = System.nanoTime();
        WatchedInstances preloaded = new WatchedInstances(consumer.getBean(CuratorFramework.class), "/services",
                new ZookeeperInstanceSerializer(), Duration.ofSeconds(30), Duration.ofSeconds(5),
                consumer.getBean(ZooKeeperConnectionMonitor.class), Duration.ofSeconds(5), List.of("*"));
        int preloadedCount = 0;
        for (int s = 0; s < services; s++) {
            preloadedCount += preloaded.allInstances("scale-" + s).size();
        }
        long preloadedNanos = System.nanoTime() - preloading;
        preloadCpu = processCpuNanos() - preloadCpu;
        ThreadCpu preloadEnd = ThreadCpu.now();
        Map<String, Double> preloadShares = preloadEnd.since(preloadThreads);
        double preloadHeapAfter = heapAfterGc();
        preloaded.close();

        ServerStatistics watching = server.statistics().orElseThrow();
        long choose = System.nanoTime();
        int reads = 0;
        for (int round = 0; round < 100; round++) {
            for (int s = 0; s < services; s++) {
                reads += watched.instances("scale-" + s).size() > 0 ? 1 : 0;
            }
        }
        long readNanos = System.nanoTime() - choose;

        System.out.printf(Locale.ROOT, "%d instances over %d services (%d failed writes), registered in %.1f s%n",
                instances, services, failed.get(), registered / 1e9);
        String scale = ".instances=" + instances;
        // The lookup goal is stated for 10,000 instances; a smaller run reports the figure without it.
        BenchmarkResults.record("discovery.first-lookup" + scale, "all services, sequential", "s", built / 1e9,
                (instances >= 10_000) ? Goal.valueAtMost(1) : null);
        BenchmarkResults.record("discovery.first-lookup-preloaded" + scale,
                "all services, sequential, preload-services=*", "s", preloadedNanos / 1e9,
                (instances >= 10_000) ? Goal.valueAtMost(1) : null);
        BenchmarkResults.record("discovery.cache-heap-per-instance" + scale, "after GC", "bytes",
                (heapAfter - heapBefore) * 1048576 / Math.max(1, cached), Goal.valueAtMost(1024));
        System.out.println();
        System.out.println("load average at the end: " + loadAverage());
        System.out.println("| measure | value |");
        System.out.println("|---|---|");
        System.out.printf(Locale.ROOT, "| consumer: first lookup of all %d services (caches built, sequential) | %.2f s (CPU of this JVM meanwhile, server included: %.2f s) |%n",
                services, built / 1e9, buildCpu / 1e9);
        System.out.printf(Locale.ROOT, "| consumer: instances cached | %d |%n", cached);
        System.out.printf(Locale.ROOT, "| consumer with preload-services=*: cache created → all %d services looked up (sequential) | %.2f s (%d instances; CPU of this JVM meanwhile, server included: %.2f s) |%n",
                services, preloadedNanos / 1e9, preloadedCount, preloadCpu / 1e9);
        System.out.printf(Locale.ROOT, "| CPU by thread group, first lookup (s) | %s |%n", shares(buildShares));
        System.out.printf(Locale.ROOT, "| CPU by thread group, preloaded (s) | %s |%n", shares(preloadShares));
        preloadEnd.byName(preloadThreads).entrySet().stream().filter((entry) -> entry.getValue() >= 0.05)
                .sorted(Map.Entry.<String, Double>comparingByValue().reversed())
                .forEach((entry) -> System.out.printf(Locale.ROOT, "|   preloaded, thread %s | %.2f s |%n",
                        entry.getKey(), entry.getValue()));
        System.out.printf(Locale.ROOT, "| consumer with preload-services=*: heap of the caches | %.1f MB (%.0f bytes per instance) |%n",
                preloadHeapAfter - preloadHeapBefore,
                (preloadHeapAfter - preloadHeapBefore) * 1048576 / Math.max(1, preloadedCount));
        System.out.printf(Locale.ROOT, "| consumer: heap of the caches (after GC, after minus before lookups) | %.1f MB (%.0f bytes per instance) |%n",
                heapAfter - heapBefore, (heapAfter - heapBefore) * 1048576 / Math.max(1, cached));
        System.out.printf(Locale.ROOT, "| consumer: cached read of one service's UP instances | %.2f µs |%n",
                readNanos / 1e3 / Math.max(1, reads));
        System.out.printf(Locale.ROOT, "| server: znodes / ephemerals | %d / %d |%n", watching.znodeCount(),
                watching.ephemeralCount());
        System.out.printf(Locale.ROOT, "| server: data size | %.1f MB (%.0f bytes per instance) |%n",
                loaded.approximateDataSize() / 1048576.0, loaded.approximateDataSize() / (double) instances);
        System.out.printf(Locale.ROOT, "| server: watches before / after the consumer | %d / %d |%n",
                loaded.watchCount(), watching.watchCount());
        System.out.printf(Locale.ROOT, "| whole JVM heap after GC (server + data + consumer) | %.1f MB |%n", heapAfter);
        consumer.close();
        clients.forEach(CuratorFramework::close);
        server.close();
        System.exit(0);
    }

    private static String shares(Map<String, Double> seconds) {
        StringBuilder text = new StringBuilder();
        seconds.forEach((group, value) -> text.append(text.isEmpty() ? "" : ", ")
                .append(String.format(Locale.ROOT, "%s %.2f", group, value)));
        return text.toString();
    }

    private static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).trim();
        }
        catch (IOException ex) {
            return "unknown";
        }
    }

    private static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }

    private static double heapAfterGc() throws InterruptedException {
        for (int i = 0; i < 3; i++) {
            System.gc();
            TimeUnit.MILLISECONDS.sleep(200);
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed() / 1048576.0;
    }

    @Configuration(proxyBeanMethods = false)
    @EnableAutoConfiguration
    static class Consumer {

    }
}
