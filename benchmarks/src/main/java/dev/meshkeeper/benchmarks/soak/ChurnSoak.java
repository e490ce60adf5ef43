package dev.meshkeeper.benchmarks.soak;

import dev.meshkeeper.benchmarks.summary.BenchmarkResults;
import dev.meshkeeper.benchmarks.summary.Goal;
import dev.meshkeeper.discovery.WatchedInstances;
import dev.meshkeeper.registry.server.RegistryServer;
import dev.meshkeeper.registry.server.RegistryServerSettings;
import dev.meshkeeper.registry.server.ServerStatistics;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.ExponentialBackoffRetry;
import org.apache.curator.x.discovery.ServiceDiscovery;
import org.apache.curator.x.discovery.ServiceDiscoveryBuilder;
import org.apache.curator.x.discovery.ServiceInstance;
import org.apache.curator.x.discovery.UriSpec;
import org.apache.curator.x.discovery.details.JsonInstanceSerializer;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.cloud.client.loadbalancer.LoadBalancerClient;
import org.springframework.cloud.zookeeper.discovery.ZookeeperInstance;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Configuration;

/**
 * Churn and scale soak: many instances register and deregister continuously (Spring Cloud Zookeeper's registration
 * format, written through Curator {@code ServiceDiscovery} from a pool of clients) while consumer threads choose
 * instances through a Meshkeeper consumer's load balancer ({@code LoadBalancerClient.choose}). Every choice is
 * checked against what is registered: a choice of an instance deregistered longer than the propagation window ago
 * is stale, a choice of nothing is empty. Heap after GC and the server's watch count are reported before and after.
 * <p>
 * Arguments (all optional): {@code --duration=120} seconds, {@code --instances=120}, {@code --services=6},
 * {@code --clients=12} Curator clients, {@code --churn=40} deregister+register swaps per second,
 * {@code --choosers=2} consumer threads (each pauses 100 µs after a round over the services),
 * {@code --window-ms=1000} propagation window.
 */
public final class ChurnSoak {

    private final Map<String, String> live = new ConcurrentHashMap<>();

    private final Set<String> leaving = ConcurrentHashMap.newKeySet();

    private final Map<String, Long> deregisteredAt = new ConcurrentHashMap<>();

    private final AtomicLong choices = new AtomicLong();

    private final AtomicLong inWindow = new AtomicLong();

    private final AtomicLong stale = new AtomicLong();

    private final AtomicLong empty = new AtomicLong();

    private final AtomicLong unknown = new AtomicLong();

    private final AtomicLong swaps = new AtomicLong();

    private final AtomicLong churnErrors = new AtomicLong();

    private final AtomicLong sequence = new AtomicLong();

    private ChurnSoak() {
    }

    public static void main(String[] args) throws Exception {
        SoakOptions options = SoakOptions.parse(args);
        new ChurnSoak().run(options.duration(), options.instances(), options.services(), options.clients(),
                options.churn(), options.choosers(), options.window());
        System.exit(0);
    }

    private void run(Duration duration, int instances, int serviceCount, int clientCount, int churnPerSecond,
            int choosers, Duration window) throws Exception {
        RegistryServer server = new RegistryServer(RegistryServerSettings.builder().bindAddress("127.0.0.1")
                .clientPort(0).dataDir(Files.createTempDirectory("meshkeeper-soak-")).tickTime(Duration.ofMillis(200))
                .minSessionTimeout(Duration.ofMillis(400)).maxSessionTimeout(Duration.ofSeconds(10))
                .maxClientConnections(0).purgeInterval(Duration.ZERO).startupTimeout(Duration.ofSeconds(20))
                .build());
        server.start();
        List<CuratorFramework> clients = new ArrayList<>();
        List<ServiceDiscovery<ZookeeperInstance>> registrars = new ArrayList<>();
        for (int i = 0; i < clientCount; i++) {
            CuratorFramework client = CuratorFrameworkFactory.newClient(server.connectString(), 10_000, 5_000,
                    new ExponentialBackoffRetry(50, 5, 500));
            client.start();
            client.blockUntilConnected(20, TimeUnit.SECONDS);
            ServiceDiscovery<ZookeeperInstance> discovery = ServiceDiscoveryBuilder.builder(ZookeeperInstance.class)
                    .client(client).basePath("/services")
                    .serializer(new JsonInstanceSerializer<>(ZookeeperInstance.class)).build();
            discovery.start();
            clients.add(client);
            registrars.add(discovery);
        }
        List<String> services = new ArrayList<>();
        for (int s = 0; s < serviceCount; s++) {
            services.add("soak-service-" + s);
        }
        // One slot per instance; a swap replaces a slot's instance with a new one of the same service.
        Slot[] slots = new Slot[instances];
        for (int i = 0; i < instances; i++) {
            slots[i] = new Slot(services.get(i % serviceCount), registrars.get(i % clientCount));
            slots[i].current = register(slots[i]);
        }
        ConfigurableApplicationContext consumer = new SpringApplicationBuilder(Consumer.class)
                .web(WebApplicationType.NONE)
                .properties("spring.application.name=soak-consumer", "spring.config.import=optional:zookeeper:",
                        "spring.cloud.zookeeper.connect-string=" + server.connectString(),
                        "spring.main.banner-mode=off", "spring.cloud.zookeeper.discovery.instance-host=127.0.0.1",
                        "spring.cloud.service-registry.auto-registration.enabled=false", "logging.level.root=WARN")
                .run();
        LoadBalancerClient balancer = consumer.getBean(LoadBalancerClient.class);
        WatchedInstances watched = consumer.getBean(WatchedInstances.class);
        services.forEach(balancer::choose);
        waitUntil(() -> services.stream().mapToInt(s -> watched.allInstances(s).size()).sum() == instances,
                Duration.ofSeconds(30));

        SoakSnapshot before = SoakSnapshot.take(server, watched, services);
        System.out.printf(Locale.ROOT, "soak: %d instances over %d services, %d Curator clients, %d swaps/s, "
                + "%d choosers, window %d ms, %d s%n", instances, serviceCount, clientCount, churnPerSecond, choosers,
                window.toMillis(), duration.toSeconds());
        System.out.println("before: " + before);

        AtomicBoolean running = new AtomicBoolean(true);
        List<Thread> threads = new ArrayList<>();
        int churners = Math.max(1, Math.min(4, churnPerSecond / 10));
        long pauseNanos = TimeUnit.SECONDS.toNanos(1) * churners / Math.max(1, churnPerSecond);
        for (int c = 0; c < churners; c++) {
            threads.add(start("churn-" + c, () -> {
                while (running.get()) {
                    long began = System.nanoTime();
                    Slot slot = slots[ThreadLocalRandom.current().nextInt(slots.length)];
                    synchronized (slot) {
                        try {
                            swap(slot);
                        }
                        catch (Exception ex) {
                            this.churnErrors.incrementAndGet();
                        }
                    }
                    TimeUnit.NANOSECONDS.sleep(Math.max(0, pauseNanos - (System.nanoTime() - began)));
                }
                return null;
            }));
        }
        for (int c = 0; c < choosers; c++) {
            threads.add(start("chooser-" + c, () -> {
                while (running.get()) {
                    for (String service : services) {
                        classify(balancer.choose(service), window);
                    }
                    // Leaves CPU to the churn and the server on small machines.
                    TimeUnit.MICROSECONDS.sleep(100);
                }
                return null;
            }));
        }
        long start = System.nanoTime();
        long end = start + duration.toNanos();
        while (System.nanoTime() < end) {
            TimeUnit.SECONDS.sleep(Math.min(15, Math.max(1, TimeUnit.NANOSECONDS.toSeconds(end - System.nanoTime()))));
            ServerStatistics stats = server.statistics().orElseThrow();
            System.out.printf(Locale.ROOT,
                    "  t=%3ds swaps=%d choices=%d stale=%d empty=%d watches=%d znodes=%d heap(no GC)=%.1f MB%n",
                    TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - start), this.swaps.get(), this.choices.get(),
                    this.stale.get(), this.empty.get(), stats.watchCount(), stats.znodeCount(),
                    SoakSnapshot.usedHeap() / 1048576.0);
        }
        running.set(false);
        for (Thread thread : threads) {
            thread.join(10_000);
        }
        waitUntil(() -> services.stream().mapToInt(s -> watched.allInstances(s).size()).sum() == instances,
                Duration.ofSeconds(30));
        SoakSnapshot after = SoakSnapshot.take(server, watched, services);
        System.out.println("after:  " + after);
        SoakSnapshot.printComparison(before, after, clientCount);
        System.out.printf(Locale.ROOT, "swaps %d (%.1f/s, %d errors), choices %d, within the window %d, "
                + "STALE %d, EMPTY %d, unknown %d%n", this.swaps.get(),
                this.swaps.get() / (double) duration.toSeconds(), this.churnErrors.get(), this.choices.get(),
                this.inWindow.get(), this.stale.get(), this.empty.get(), this.unknown.get());
        BenchmarkResults.record("soak.stale-choices", "count", "choices", this.stale.get(), Goal.valueAtMost(0));
        BenchmarkResults.record("soak.empty-choices", "count", "choices", this.empty.get(), Goal.valueAtMost(0));
        BenchmarkResults.record("soak.heap-after-gc", "after / before", "MB", after.heapMb(), "before",
                before.heapMb(), null);
        consumer.close();
        for (ServiceDiscovery<ZookeeperInstance> registrar : registrars) {
            registrar.close();
        }
        clients.forEach(CuratorFramework::close);
        server.close();
    }

    private void swap(Slot slot) throws Exception {
        ServiceInstance<ZookeeperInstance> old = slot.current;
        this.leaving.add(old.getId());
        this.live.remove(old.getId());
        slot.registrar.unregisterService(old);
        this.deregisteredAt.put(old.getId(), System.nanoTime());
        this.leaving.remove(old.getId());
        slot.current = register(slot);
        this.swaps.incrementAndGet();
    }

    private ServiceInstance<ZookeeperInstance> register(Slot slot) throws Exception {
        String id = slot.service + "-" + this.sequence.incrementAndGet();
        Map<String, String> metadata = new HashMap<>(Map.of("instance_status", "UP"));
        ServiceInstance<ZookeeperInstance> instance = ServiceInstance.<ZookeeperInstance>builder().name(slot.service)
                .id(id).address("127.0.0.1").port(10_000 + (int) (this.sequence.get() % 50_000))
                .uriSpec(new UriSpec("{scheme}://{address}:{port}"))
                .payload(new ZookeeperInstance(id, slot.service, metadata)).build();
        // Known as live before ZooKeeper has it, so that an early choice of it is not mistaken for an unknown one.
        this.live.put(id, slot.service);
        slot.registrar.registerService(instance);
        return instance;
    }

    private void classify(org.springframework.cloud.client.ServiceInstance chosen, Duration window) {
        this.choices.incrementAndGet();
        if (chosen == null) {
            this.empty.incrementAndGet();
            return;
        }
        String id = chosen.getInstanceId();
        if (this.live.containsKey(id) || this.leaving.contains(id)) {
            return;
        }
        Long gone = this.deregisteredAt.get(id);
        if (gone == null) {
            // A swap records the deregistration before it stops marking the instance as leaving: never reached.
            this.unknown.incrementAndGet();
            return;
        }
        if (System.nanoTime() - gone <= window.toNanos()) {
            this.inWindow.incrementAndGet();
        }
        else {
            this.stale.incrementAndGet();
        }
    }

    private static Thread start(String name, java.util.concurrent.Callable<Void> body) {
        Thread thread = new Thread(() -> {
            try {
                body.call();
            }
            catch (InterruptedException ex) {
                Thread.currentThread().interrupt();
            }
            catch (Exception ex) {
                throw new IllegalStateException(ex);
            }
        }, name);
        thread.setDaemon(true);
        thread.start();
        return thread;
    }

    private static void waitUntil(java.util.function.BooleanSupplier condition, Duration limit)
            throws InterruptedException {
        long deadline = System.nanoTime() + limit.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("timed out after " + limit);
            }
            TimeUnit.MILLISECONDS.sleep(20);
        }
    }

    private static final class Slot {

        final String service;

        final ServiceDiscovery<ZookeeperInstance> registrar;

        ServiceInstance<ZookeeperInstance> current;

        Slot(String service, ServiceDiscovery<ZookeeperInstance> registrar) {
            this.service = service;
            this.registrar = registrar;
        }
    }

    @Configuration(proxyBeanMethods = false)
    @EnableAutoConfiguration
    static class Consumer {

    }
}
