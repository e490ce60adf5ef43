package dev.meshkeeper.benchmarks.discovery;

import dev.meshkeeper.benchmarks.summary.BenchmarkResults;
import dev.meshkeeper.discovery.WatchedInstanceListSupplier;
import dev.meshkeeper.registry.server.RegistryServer;
import dev.meshkeeper.registry.server.RegistryServerSettings;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Predicate;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.ExponentialBackoffRetry;
import org.apache.curator.x.discovery.ServiceDiscovery;
import org.apache.curator.x.discovery.ServiceDiscoveryBuilder;
import org.apache.curator.x.discovery.ServiceInstance;
import org.apache.curator.x.discovery.UriSpec;
import org.apache.curator.x.discovery.details.JsonInstanceSerializer;
import org.apache.zookeeper.Watcher;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.cloud.loadbalancer.core.ServiceInstanceListSupplier;
import org.springframework.cloud.loadbalancer.support.LoadBalancerClientFactory;
import org.springframework.cloud.zookeeper.discovery.ZookeeperInstance;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Configuration;

/**
 * Propagation of a graceful deregistration: a provider marks itself OUT_OF_SERVICE (the first step of graceful
 * deregistration, in Spring Cloud Zookeeper's format) and the harness measures, in the same run, how long until
 * <ul>
 * <li><b>raw</b>: a plain ZooKeeper watch on the instance's node fires (the floor);</li>
 * <li><b>meshkeeper</b>: a Meshkeeper consumer's LoadBalancer supplier no longer returns the instance;</li>
 * <li><b>plain</b>: a plain Spring Cloud Zookeeper + LoadBalancer consumer (defaults, 35 s cache) no longer returns
 * it.</li>
 * </ul>
 * Each round uses a fresh service with one stable and one leaving instance, both looked up by both consumers
 * before the change. Run: {@code java -cp benchmarks/target/meshkeeper-benchmarks.jar
 * dev.meshkeeper.benchmarks.discovery.PropagationBenchmark [rounds=30] [plainRounds=3]}.
 */
public final class PropagationBenchmark {

    private static final Duration PLAIN_LIMIT = Duration.ofSeconds(45);

    private PropagationBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int rounds = (args.length > 0) ? Integer.parseInt(args[0]) : 30;
        int plainRounds = (args.length > 1) ? Integer.parseInt(args[1]) : 3;
        try (RegistryServer server = new RegistryServer(RegistryServerSettings.builder().bindAddress("127.0.0.1")
                .clientPort(0).dataDir(Files.createTempDirectory("meshkeeper-propagation")).build())) {
            server.start();
            String connect = server.connectString();
            try (CuratorFramework curator = CuratorFrameworkFactory.newClient(connect,
                    new ExponentialBackoffRetry(100, 3));
                    ConfigurableApplicationContext meshkeeper = consumer(connect, "bench-meshkeeper");
                    ConfigurableApplicationContext plain = consumer(connect, "bench-plain",
                            "meshkeeper.enabled=false")) {
                curator.start();
                curator.blockUntilConnected();
                ServiceDiscovery<ZookeeperInstance> provider = ServiceDiscoveryBuilder.builder(ZookeeperInstance.class)
                        .client(curator).basePath("/services")
                        .serializer(new JsonInstanceSerializer<>(ZookeeperInstance.class)).build();
                List<Long> raw = new ArrayList<>();
                List<Long> watched = new ArrayList<>();
                List<Long> upstream = new ArrayList<>();
                for (int round = 0; round < rounds + 3; round++) {
                    boolean warmUp = round < 3;
                    boolean measurePlain = !warmUp && round - 3 < plainRounds;
                    long[] result = round(curator, provider, meshkeeper, plain, "propagation-" + round,
                            measurePlain);
                    if (!warmUp) {
                        raw.add(result[0]);
                        watched.add(result[1]);
                        if (measurePlain) {
                            upstream.add(result[2]);
                        }
                    }
                }
                report(raw, watched, upstream);
            }
        }
    }

    private static long[] round(CuratorFramework curator, ServiceDiscovery<ZookeeperInstance> provider,
            ConfigurableApplicationContext meshkeeper, ConfigurableApplicationContext plain, String service,
            boolean measurePlain) throws Exception {
        register(provider, service, "stable", 9001);
        ServiceInstance<ZookeeperInstance> leaving = register(provider, service, "leaving", 9002);
        ServiceInstanceListSupplier watchedSupplier = supplier(meshkeeper, service);
        ServiceInstanceListSupplier plainSupplier = supplier(plain, service);
        if (!(watchedSupplier instanceof WatchedInstanceListSupplier)) {
            throw new IllegalStateException("The Meshkeeper consumer uses " + watchedSupplier.getClass().getName());
        }
        Predicate<ServiceInstanceListSupplier> listsLeaving = supplier -> supplier.get().blockFirst().stream()
                .anyMatch(instance -> instance.getInstanceId().equals(leaving.getId()));
        waitUntil(() -> listsLeaving.test(watchedSupplier), Duration.ofSeconds(10), "meshkeeper sees " + service);
        if (measurePlain) {
            waitUntil(() -> listsLeaving.test(plainSupplier), PLAIN_LIMIT, "plain sees " + service);
        }

        AtomicLong watchFired = new AtomicLong();
        String path = "/services/" + service + "/" + leaving.getId();
        curator.getData().usingWatcher((Watcher) event -> watchFired.compareAndSet(0, System.nanoTime()))
                .forPath(path);
        leaving.getPayload().getMetadata().put("instance_status", "OUT_OF_SERVICE");
        long start = System.nanoTime();
        provider.updateService(leaving);

        long watchedGone = spinUntil(() -> !listsLeaving.test(watchedSupplier), Duration.ofSeconds(10));
        waitUntil(() -> watchFired.get() != 0, Duration.ofSeconds(10), "raw watch on " + path);
        long plainGone = measurePlain ? pollUntil(() -> !listsLeaving.test(plainSupplier), PLAIN_LIMIT) : 0;
        provider.unregisterService(leaving);
        return new long[] { watchFired.get() - start, watchedGone - start, plainGone - start };
    }

    private static ServiceInstance<ZookeeperInstance> register(ServiceDiscovery<ZookeeperInstance> provider,
            String service, String id, int port) throws Exception {
        HashMap<String, String> metadata = new HashMap<>();
        metadata.put("instance_status", "UP");
        ServiceInstance<ZookeeperInstance> instance = ServiceInstance.<ZookeeperInstance>builder().name(service)
                .id(service + "-" + id).address("127.0.0.1").port(port)
                .uriSpec(new UriSpec("{scheme}://{address}:{port}"))
                .payload(new ZookeeperInstance(service + "-" + id, service, metadata)).build();
        provider.registerService(instance);
        return instance;
    }

    private static ServiceInstanceListSupplier supplier(ConfigurableApplicationContext context, String service) {
        return context.getBean(LoadBalancerClientFactory.class).getInstance(service,
                ServiceInstanceListSupplier.class);
    }

    private static ConfigurableApplicationContext consumer(String connect, String name, String... properties) {
        return new SpringApplicationBuilder(Consumer.class).web(WebApplicationType.NONE)
                .properties("spring.application.name=" + name, "spring.config.import=optional:zookeeper:",
                        "spring.cloud.zookeeper.connect-string=" + connect, "spring.main.banner-mode=off",
                        "spring.cloud.zookeeper.discovery.instance-host=127.0.0.1",
                        "spring.cloud.service-registry.auto-registration.enabled=false", "logging.level.root=WARN")
                .properties(properties).run();
    }

    /** Checks every 100 µs: the Meshkeeper supplier is a memory read. */
    private static long spinUntil(java.util.function.BooleanSupplier condition, Duration limit) {
        long deadline = System.nanoTime() + limit.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("not propagated within " + limit);
            }
            LockSupport.parkNanos(100_000);
        }
        return System.nanoTime();
    }

    /** Checks every 10 ms: the plain supplier may read ZooKeeper when its cache expires. */
    private static long pollUntil(java.util.function.BooleanSupplier condition, Duration limit) {
        long deadline = System.nanoTime() + limit.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("not propagated within " + limit);
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10));
        }
        return System.nanoTime();
    }

    private static void waitUntil(java.util.function.BooleanSupplier condition, Duration limit, String what) {
        long deadline = System.nanoTime() + limit.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("timed out waiting until " + what);
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
        }
    }

    private static void report(List<Long> raw, List<Long> watched, List<Long> plain) {
        System.out.println();
        System.out.println("| consumer | rounds | median ms | p90 ms | max ms | median / raw median |");
        System.out.println("|---|---|---|---|---|---|");
        double rawMedian = percentile(raw, 50);
        row("raw ZooKeeper watch", raw, rawMedian);
        row("Meshkeeper supplier", watched, rawMedian);
        BenchmarkResults.record("discovery.deregistration-propagation", "median", "ms", percentile(watched, 50),
                "raw-watch", rawMedian, null);
        if (!plain.isEmpty()) {
            row("Spring Cloud Zookeeper + LoadBalancer defaults", plain, rawMedian);
            BenchmarkResults.record("discovery.deregistration-propagation", "median", "ms", percentile(watched, 50),
                    "spring-cloud-zookeeper", percentile(plain, 50), null);
        }
    }

    private static void row(String name, List<Long> nanos, double rawMedian) {
        double median = percentile(nanos, 50);
        System.out.println(String.format(Locale.ROOT, "| %s | %d | %.2f | %.2f | %.2f | %.1fx |", name, nanos.size(),
                median, percentile(nanos, 90), percentile(nanos, 100), median / rawMedian));
    }

    private static double percentile(List<Long> nanos, int percent) {
        List<Long> sorted = new ArrayList<>(nanos);
        Collections.sort(sorted);
        int index = Math.max(0, (int) Math.ceil(percent / 100.0 * sorted.size()) - 1);
        return sorted.get(index) / 1_000_000.0;
    }

    @Configuration(proxyBeanMethods = false)
    @EnableAutoConfiguration
    static class Consumer {

    }
}
