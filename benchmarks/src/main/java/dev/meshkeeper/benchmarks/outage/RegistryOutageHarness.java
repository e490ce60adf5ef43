package dev.meshkeeper.benchmarks.outage;

import dev.meshkeeper.benchmarks.summary.BenchmarkResults;
import dev.meshkeeper.benchmarks.summary.Goal;
import dev.meshkeeper.leader.ClusterLeadership;
import dev.meshkeeper.lock.DistributedLocks;
import dev.meshkeeper.registry.junit.FreePorts;
import dev.meshkeeper.registry.server.RegistryServer;
import dev.meshkeeper.registry.server.RegistryServerSettings;
import dev.meshkeeper.zookeeper.ZooKeeperConnectionMonitor;
import dev.meshkeeper.zookeeper.ZooKeeperRequests;
import dev.meshkeeper.zookeeper.ZooKeeperUnavailableException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.health.actuate.endpoint.HealthEndpoint;
import org.springframework.boot.health.contributor.Status;
import org.springframework.cloud.client.loadbalancer.LoadBalanced;
import org.springframework.cloud.zookeeper.serviceregistry.ZookeeperRegistration;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.client.SimpleClientHttpRequestFactory;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.client.RestClient;

/**
 * What a registry outage costs: a standalone registry server in a JVM of its own is killed with SIGKILL and started
 * again 10 s later on the same port and data directory, then paused with SIGSTOP for 10 s and resumed, while a
 * consumer calls two providers through a {@code @LoadBalanced RestClient} (one call at a time, back to back) and a
 * provider's aggregate health (its {@code HealthEndpoint}: every contributor, {@code zookeeper} and
 * {@code discoveryComposite} included) is read every 50 ms. Printed per outage: calls served and failed, call
 * latency p50/p99 before and during, health latency p99 during, how long a write and a lock took to be refused, and
 * the recovery time (from the registry's return until the consumer is connected and leads its group again).
 * Applications use session timeout 6 s, connection timeout 3 s, operation timeout 1 s (see docs/operations.md).
 * Run: {@code java -cp benchmarks/target/meshkeeper-benchmarks.jar
 * dev.meshkeeper.benchmarks.outage.RegistryOutageHarness}.
 */
public final class RegistryOutageHarness {

    private static final String SERVICE = "outage-bench";

    private static final String GROUP = "outage-bench-jobs";

    private static final String[] TIMEOUTS = { "spring.cloud.zookeeper.session-timeout=6s",
            "spring.cloud.zookeeper.connection-timeout=3s", "meshkeeper.zookeeper.operation-timeout=1s" };

    private RegistryOutageHarness() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length == 2) {
            registry(Integer.parseInt(args[0]), Path.of(args[1]));
            return;
        }
        int port = FreePorts.take();
        Path data = Files.createTempDirectory("meshkeeper-outage-bench");
        String connect = "127.0.0.1:" + port;
        Process registry = startRegistry(port, data);
        List<ConfigurableApplicationContext> apps = new ArrayList<>();
        try {
            apps.add(provider(connect));
            apps.add(provider(connect));
            ConfigurableApplicationContext consumer = app(Consumer.class, WebApplicationType.NONE, connect,
                    "outage-bench-consumer", "spring.cloud.loadbalancer.cache.enabled=false");
            apps.add(consumer);
            ClusterLeadership leadership = consumer.getBean(ClusterLeadership.class);
            leadership.join(GROUP);
            RestClient balanced = consumer.getBean(RestClient.Builder.class).build();
            HealthEndpoint health = apps.get(0).getBean(HealthEndpoint.class);
            Probe calls = new Probe(() -> balanced.get().uri("http://" + SERVICE + "/who").retrieve()
                    .body(String.class), 0);
            Probe healthChecks = new Probe(() -> {
                Status status = health.health().getStatus();
                if (!Status.UP.equals(status)) {
                    throw new IllegalStateException("health " + status);
                }
                return "UP";
            }, 50);
            await(() -> leadership.isLeader(GROUP), Duration.ofSeconds(30));
            List<String> rows = new ArrayList<>();
            for (String kind : List.of("SIGKILL", "SIGSTOP")) {
                sleep(Duration.ofSeconds(3));
                calls.phase("before");
                healthChecks.phase("before");
                sleep(Duration.ofSeconds(5));
                calls.phase("during");
                healthChecks.phase("during");
                long began = System.nanoTime();
                java.time.Instant beganAt = java.time.Instant.now();
                if (kind.equals("SIGKILL")) {
                    registry.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
                }
                else {
                    signal(registry, "STOP");
                }
                long refusedAtOnce = refusal(consumer);
                ZooKeeperConnectionMonitor monitor = consumer.getBean(ZooKeeperConnectionMonitor.class);
                await(() -> !monitor.isConnected(), Duration.ofSeconds(15));
                long noticed = Duration.between(beganAt, monitor.outageSince()).toNanos();
                long refusal = refusal(consumer);
                sleep(Duration.ofNanos(TimeUnit.SECONDS.toNanos(10) - (System.nanoTime() - began)));
                calls.phase("after");
                healthChecks.phase("after");
                long returned = System.nanoTime();
                if (kind.equals("SIGKILL")) {
                    registry = startRegistry(port, data);
                }
                else {
                    signal(registry, "CONT");
                }
                await(() -> monitor.isConnected() && leadership.isLeader(GROUP), Duration.ofSeconds(60));
                long recovery = System.nanoTime() - returned;
                rows.add(String.format(Locale.ROOT,
                        "| %s | %d | %d | %.1f / %.1f | %.1f / %.1f | %.1f (%d, %d failed) | %.2f | %d / %d | %.2f |",
                        kind, calls.count("during"), calls.failed("during") + calls.failed("after"),
                        calls.percentile("before", 50), calls.percentile("before", 99),
                        calls.percentile("during", 50), calls.percentile("during", 99),
                        healthChecks.percentile("during", 99), healthChecks.count("during"),
                        healthChecks.failed("during"), noticed / 1e9, refusedAtOnce, refusal, recovery / 1e9));
                String name = "outage." + kind.toLowerCase(Locale.ROOT);
                BenchmarkResults.record(name + ".failed-calls", "count", "calls",
                        calls.failed("during") + calls.failed("after"), Goal.valueAtMost(0));
                BenchmarkResults.record(name + ".health-during", "p99", "ms", healthChecks.percentile("during", 99),
                        Goal.valueAtMost(1000));
                BenchmarkResults.record(name + ".write-refused", "once noticed", "ms", refusal, Goal.valueAtMost(1000));
                BenchmarkResults.record(name + ".recovery", "time", "s", recovery / 1e9, null);
            }
            calls.stop();
            healthChecks.stop();
            System.out.println();
            System.out.println("| outage (10 s) | calls served during | calls failed | call p50 / p99 before (ms) "
                    + "| call p50 / p99 during (ms) | health p99 during (ms) (checks) | outage noticed after (s) "
                    + "| write + lock refused in (ms): at once / once noticed | recovery (s) |");
            System.out.println("|---|---|---|---|---|---|---|---|---|");
            rows.forEach(System.out::println);
            if (calls.firstFailure.get() != null || healthChecks.firstFailure.get() != null) {
                System.out.println("first failures: calls " + calls.firstFailure.get() + "; health "
                        + healthChecks.firstFailure.get());
            }
        }
        finally {
            Collections.reverse(apps);
            apps.forEach(ConfigurableApplicationContext::close);
            registry.destroyForcibly();
        }
    }

    /** How long a write and a lock take to be refused (milliseconds), once the consumer noticed the outage. */
    private static long refusal(ConfigurableApplicationContext consumer) {
        long start = System.nanoTime();
        try {
            consumer.getBean(ZooKeeperRequests.class).call("set", "/outage-bench", (client, callback) -> client
                    .setData().inBackground(callback).forPath("/outage-bench", new byte[0]));
        }
        catch (ZooKeeperUnavailableException ex) {
            // refused, as expected
        }
        catch (Exception ex) {
            throw new IllegalStateException("unexpected answer during the outage", ex);
        }
        if (consumer.getBean(DistributedLocks.class).mutex("outage-bench").tryAcquire(Duration.ofSeconds(10))
                .isPresent()) {
            throw new IllegalStateException("a lock was granted during the outage");
        }
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
    }

    private static ConfigurableApplicationContext provider(String connect) {
        return app(Provider.class, WebApplicationType.SERVLET, connect, SERVICE, "server.port=0");
    }

    private static ConfigurableApplicationContext app(Class<?> source, WebApplicationType type, String connect,
            String name, String... properties) {
        return new SpringApplicationBuilder(source).web(type)
                .properties("spring.application.name=" + name, "spring.config.import=optional:zookeeper:",
                        "spring.cloud.zookeeper.connect-string=" + connect, "spring.main.banner-mode=off",
                        "spring.cloud.zookeeper.discovery.instance-host=127.0.0.1", "logging.level.root=ERROR")
                .properties(TIMEOUTS).properties(properties).run();
    }

    private static SimpleClientHttpRequestFactory timeouts() {
        SimpleClientHttpRequestFactory factory = new SimpleClientHttpRequestFactory();
        factory.setConnectTimeout(Duration.ofSeconds(2));
        factory.setReadTimeout(Duration.ofSeconds(30));
        return factory;
    }

    private static Process startRegistry(int port, Path data) throws Exception {
        Path log = data.resolveSibling(data.getFileName() + ".log");
        Process process = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx128m", "-cp", System.getProperty("java.class.path"), RegistryOutageHarness.class.getName(),
                String.valueOf(port), data.toString()).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        await(() -> {
            try (java.net.Socket socket = new java.net.Socket("127.0.0.1", port)) {
                return true;
            }
            catch (IOException ex) {
                return false;
            }
        }, Duration.ofSeconds(60));
        return process;
    }

    /** The registry server's process: runs until its standard input ends. */
    private static void registry(int port, Path data) throws Exception {
        RegistryServer server = new RegistryServer(RegistryServerSettings.builder().bindAddress("127.0.0.1")
                .clientPort(port).dataDir(data).tickTime(Duration.ofMillis(200))
                .maxSessionTimeout(Duration.ofSeconds(60)).purgeInterval(Duration.ZERO).build());
        server.start();
        Runtime.getRuntime().addShutdownHook(new Thread(server::close));
        while (System.in.read() >= 0) {
            // only returns at the end of the stream
        }
        System.exit(0);
    }

    private static void signal(Process process, String signal) throws Exception {
        new ProcessBuilder("kill", "-" + signal, Long.toString(process.pid())).inheritIO().start().waitFor();
    }

    private static void await(java.util.function.BooleanSupplier condition, Duration atMost)
            throws InterruptedException {
        long deadline = System.nanoTime() + atMost.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("not reached within " + atMost);
            }
            TimeUnit.MILLISECONDS.sleep(20);
        }
    }

    private static void sleep(Duration duration) throws InterruptedException {
        if (!duration.isNegative()) {
            TimeUnit.NANOSECONDS.sleep(duration.toNanos());
        }
    }

    @Configuration(proxyBeanMethods = false)
    @EnableAutoConfiguration
    static class Provider {

        @Bean
        Who who(ZookeeperRegistration registration) {
            return new Who(registration);
        }
    }

    @RestController
    static class Who {

        private final ZookeeperRegistration registration;

        Who(ZookeeperRegistration registration) {
            this.registration = registration;
        }

        @GetMapping("/who")
        String who() {
            return this.registration.getServiceInstance().getId();
        }
    }

    @Configuration(proxyBeanMethods = false)
    @EnableAutoConfiguration
    static class Consumer {

        @Bean
        @LoadBalanced
        RestClient.Builder loadBalancedRestClientBuilder() {
            return RestClient.builder().requestFactory(timeouts());
        }
    }
}
