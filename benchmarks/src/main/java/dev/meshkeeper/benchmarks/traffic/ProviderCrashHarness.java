package dev.meshkeeper.benchmarks.traffic;

import dev.meshkeeper.benchmarks.summary.BenchmarkResults;
import dev.meshkeeper.registry.server.RegistryServer;
import dev.meshkeeper.registry.server.RegistryServerSettings;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.cloud.client.loadbalancer.LoadBalanced;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.client.RestClient;

/**
 * Failed requests while a provider crashes under steady load, Meshkeeper vs. plain Spring Cloud Zookeeper +
 * LoadBalancer defaults, in the same run against the same providers. Three providers register in an embedded
 * ZooKeeper; two consumers send GETs from {@code threads} threads each, through a {@code @LoadBalanced RestClient}:
 * <ul>
 * <li><b>meshkeeper</b>: the starter with its defaults (watched instances, outlier ejection, retries on another
 * instance, circuit breaker);</li>
 * <li><b>plain</b>: {@code meshkeeper.enabled=false} and {@code spring.cloud.loadbalancer.retry.enabled=false}: Spring
 * Cloud Zookeeper's supplier behind the LoadBalancer's 35 s cache, no retries (Spring Retry is not on a plain
 * application's class path).</li>
 * </ul>
 * After a warm-up, one provider's web server is stopped abruptly: its application, ZooKeeper session and
 * registration stay up, as after a SIGKILL until the session expires. Requests are counted for {@code seconds}
 * after the crash. Run: {@code java -cp benchmarks/target/meshkeeper-benchmarks.jar
 * dev.meshkeeper.benchmarks.traffic.ProviderCrashHarness [seconds=10] [threads=4]}.
 */
public final class ProviderCrashHarness {

    private static final String SERVICE = "crash-bench";

    private ProviderCrashHarness() {
    }

    public static void main(String[] args) throws Exception {
        int seconds = (args.length > 0) ? Integer.parseInt(args[0]) : 10;
        int threads = (args.length > 1) ? Integer.parseInt(args[1]) : 4;
        try (RegistryServer server = new RegistryServer(RegistryServerSettings.builder().bindAddress("127.0.0.1")
                .clientPort(0).dataDir(Files.createTempDirectory("meshkeeper-crash")).build())) {
            server.start();
            String connect = server.connectString();
            List<ConfigurableApplicationContext> providers = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                providers.add(provider(connect));
            }
            try (ConfigurableApplicationContext meshkeeper = consumer(connect, "crash-meshkeeper");
                    ConfigurableApplicationContext plain = consumer(connect, "crash-plain", "meshkeeper.enabled=false",
                            "spring.cloud.loadbalancer.retry.enabled=false")) {
                Load meshkeeperLoad = new Load("Meshkeeper", client(meshkeeper), threads);
                Load plainLoad = new Load("Spring Cloud LoadBalancer defaults", client(plain), threads);
                long warmUpEnd = System.nanoTime() + TimeUnit.SECONDS.toNanos(3);
                while (System.nanoTime() < warmUpEnd) {
                    TimeUnit.MILLISECONDS.sleep(50);
                }
                meshkeeperLoad.reset();
                plainLoad.reset();
                ((WebServerApplicationContext) providers.get(1)).getWebServer().stop();
                long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
                while (System.nanoTime() < end) {
                    TimeUnit.MILLISECONDS.sleep(50);
                }
                meshkeeperLoad.stop();
                plainLoad.stop();
                System.out.printf(Locale.ROOT, "%n%d s after a provider crash (1 of 3), %d threads per consumer%n",
                        seconds, threads);
                System.out.println("| consumer | requests | failed | failed % |");
                System.out.println("|---|---|---|---|");
                meshkeeperLoad.print();
                plainLoad.print();
                BenchmarkResults.record("traffic.provider-crash.failed-calls", "failed", "%",
                        meshkeeperLoad.failedPercent(), "spring-cloud-zookeeper", plainLoad.failedPercent(), null);
            }
            finally {
                providers.forEach(ConfigurableApplicationContext::close);
            }
        }
    }

    private static RestClient client(ConfigurableApplicationContext context) {
        return context.getBean(RestClient.Builder.class).build();
    }

    private static ConfigurableApplicationContext provider(String connect) {
        return new SpringApplicationBuilder(Provider.class).web(WebApplicationType.SERVLET)
                .properties("spring.application.name=" + SERVICE, "server.port=0",
                        "spring.config.import=optional:zookeeper:", "spring.cloud.zookeeper.connect-string=" + connect,
                        "spring.main.banner-mode=off", "spring.cloud.zookeeper.discovery.instance-host=127.0.0.1",
                        "logging.level.root=WARN")
                .run();
    }

    private static ConfigurableApplicationContext consumer(String connect, String name, String... properties) {
        return new SpringApplicationBuilder(Consumer.class).web(WebApplicationType.NONE)
                .properties("spring.application.name=" + name, "spring.config.import=optional:zookeeper:",
                        "spring.cloud.zookeeper.connect-string=" + connect, "spring.main.banner-mode=off",
                        "spring.cloud.zookeeper.discovery.instance-host=127.0.0.1",
                        "spring.cloud.service-registry.auto-registration.enabled=false", "logging.level.root=ERROR")
                .properties(properties).run();
    }

    /** Senders that call the service in a loop and count outcomes. */
    private static final class Load {

        private final String name;

        private final AtomicLong requests = new AtomicLong();

        private final AtomicLong failures = new AtomicLong();

        private final AtomicBoolean running = new AtomicBoolean(true);

        private final CountDownLatch stopped;

        Load(String name, RestClient client, int threads) {
            this.name = name;
            this.stopped = new CountDownLatch(threads);
            for (int t = 0; t < threads; t++) {
                Thread sender = new Thread(() -> {
                    try {
                        while (this.running.get()) {
                            try {
                                client.get().uri("http://" + SERVICE + "/who").retrieve().body(String.class);
                            }
                            catch (RuntimeException ex) {
                                this.failures.incrementAndGet();
                            }
                            this.requests.incrementAndGet();
                        }
                    }
                    finally {
                        this.stopped.countDown();
                    }
                }, name + "-sender-" + t);
                sender.setDaemon(true);
                sender.start();
            }
        }

        void reset() {
            this.requests.set(0);
            this.failures.set(0);
        }

        void stop() throws InterruptedException {
            long requests = this.requests.get();
            long failures = this.failures.get();
            this.running.set(false);
            this.stopped.await(Duration.ofSeconds(60).toSeconds(), TimeUnit.SECONDS);
            this.requests.set(requests);
            this.failures.set(failures);
        }

        void print() {
            System.out.printf(Locale.ROOT, "| %s | %d | %d | %.2f |%n", this.name, this.requests.get(),
                    this.failures.get(), failedPercent());
        }

        double failedPercent() {
            long requests = this.requests.get();
            return (requests > 0) ? 100.0 * this.failures.get() / requests : 0.0;
        }
    }

    @Configuration(proxyBeanMethods = false)
    @EnableAutoConfiguration
    static class Provider {

        @Bean
        Who who(Environment environment) {
            return new Who(environment);
        }
    }

    @RestController
    static final class Who {

        private final Environment environment;

        Who(Environment environment) {
            this.environment = environment;
        }

        @GetMapping("/who")
        String who() {
            return this.environment.getProperty("local.server.port");
        }
    }

    @Configuration(proxyBeanMethods = false)
    @EnableAutoConfiguration
    static class Consumer {

        @Bean
        @LoadBalanced
        RestClient.Builder loadBalancedRestClientBuilder() {
            return RestClient.builder();
        }
    }
}
