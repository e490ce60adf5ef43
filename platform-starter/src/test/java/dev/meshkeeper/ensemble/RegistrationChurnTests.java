package dev.meshkeeper.ensemble;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.meshkeeper.discovery.WatchedInstances;
import dev.meshkeeper.registry.server.RegistryServer;
import dev.meshkeeper.registry.server.RegistryServerSettings;
import dev.meshkeeper.registry.server.ServerStatistics;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
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
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.cloud.client.loadbalancer.LoadBalancerClient;
import org.springframework.cloud.zookeeper.discovery.ZookeeperInstance;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The short form of the churn soak ({@code dev.meshkeeper.benchmarks.soak.ChurnSoak}): 30 instances of 3 services
 * are deregistered and replaced continuously for 20 s (Spring Cloud Zookeeper's format through Curator
 * {@code ServiceDiscovery}, from 4 clients) while a consumer chooses through its load balancer. No choice names an
 * instance deregistered more than the propagation window (1 s) ago, no choice comes back empty, and the server's
 * watch count does not grow with the hundreds of registrations.
 */
@Timeout(120)
class RegistrationChurnTests {

    private static final Logger logger = LoggerFactory.getLogger(RegistrationChurnTests.class);

    private static final Duration WINDOW = Duration.ofSeconds(1);

    private static final List<String> SERVICES = List.of("churn-a", "churn-b", "churn-c");

    private final List<AutoCloseable> resources = new ArrayList<>();

    private final Map<String, Boolean> live = new ConcurrentHashMap<>();

    private final Set<String> leaving = ConcurrentHashMap.newKeySet();

    private final Map<String, Long> deregisteredAt = new ConcurrentHashMap<>();

    private final AtomicLong sequence = new AtomicLong();

    @AfterEach
    void closeAll() throws Exception {
        for (int i = this.resources.size() - 1; i >= 0; i--) {
            this.resources.get(i).close();
        }
    }

    @Test
    void continuousChurnNeverYieldsAStaleOrEmptyChoiceAndWatchesStayBounded() throws Exception {
        RegistryServer server = new RegistryServer(RegistryServerSettings.builder().bindAddress("127.0.0.1")
                .clientPort(0).dataDir(Files.createTempDirectory("meshkeeper-churn-"))
                .tickTime(Duration.ofMillis(200)).maxSessionTimeout(Duration.ofSeconds(10))
                .purgeInterval(Duration.ZERO).startupTimeout(Duration.ofSeconds(20)).build());
        server.start();
        this.resources.add(server);
        List<ServiceDiscovery<ZookeeperInstance>> registrars = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            CuratorFramework client = CuratorFrameworkFactory.newClient(server.connectString(), 10_000, 5_000,
                    new ExponentialBackoffRetry(50, 5, 500));
            client.start();
            this.resources.add(client);
            assertThat(client.blockUntilConnected(20, TimeUnit.SECONDS)).isTrue();
            ServiceDiscovery<ZookeeperInstance> registrar = ServiceDiscoveryBuilder.builder(ZookeeperInstance.class)
                    .client(client).basePath("/services")
                    .serializer(new JsonInstanceSerializer<>(ZookeeperInstance.class)).build();
            registrar.start();
            this.resources.add(registrar);
            registrars.add(registrar);
        }
        List<Slot> slots = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            Slot slot = new Slot(SERVICES.get(i % SERVICES.size()), registrars.get(i % registrars.size()));
            slot.current = register(slot);
            slots.add(slot);
        }
        // The consumer's own topology report would be one more ephemeral node; this test counts registrations.
        ConfigurableApplicationContext consumer = EnsembleApps.consumer(server.connectString(), "churn-consumer",
                "spring.cloud.zookeeper.config.enabled=false", "meshkeeper.topology.enabled=false");
        this.resources.add(consumer);
        LoadBalancerClient balancer = consumer.getBean(LoadBalancerClient.class);
        WatchedInstances watched = consumer.getBean(WatchedInstances.class);
        SERVICES.forEach(balancer::choose);
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(
                SERVICES.stream().mapToInt(service -> watched.allInstances(service).size()).sum()).isEqualTo(30));
        ServerStatistics before = server.statistics().orElseThrow();

        AtomicBoolean running = new AtomicBoolean(true);
        AtomicLong swaps = new AtomicLong();
        AtomicLong choices = new AtomicLong();
        AtomicLong stale = new AtomicLong();
        AtomicLong empty = new AtomicLong();
        AtomicLong unknown = new AtomicLong();
        List<Thread> threads = new ArrayList<>();
        for (int c = 0; c < 2; c++) {
            threads.add(start(() -> {
                while (running.get()) {
                    Slot slot = slots.get(ThreadLocalRandom.current().nextInt(slots.size()));
                    synchronized (slot) {
                        swap(slot);
                    }
                    swaps.incrementAndGet();
                    // Pacing of the churn (about 20 swaps per second per thread), not a wait for an outcome.
                    TimeUnit.MILLISECONDS.sleep(50);
                }
            }));
        }
        threads.add(start(() -> {
            while (running.get()) {
                for (String service : SERVICES) {
                    org.springframework.cloud.client.ServiceInstance chosen = balancer.choose(service);
                    choices.incrementAndGet();
                    if (chosen == null) {
                        empty.incrementAndGet();
                        continue;
                    }
                    String id = chosen.getInstanceId();
                    if (this.live.containsKey(id) || this.leaving.contains(id)) {
                        continue;
                    }
                    Long gone = this.deregisteredAt.get(id);
                    if (gone == null) {
                        unknown.incrementAndGet();
                    }
                    else if (System.nanoTime() - gone > WINDOW.toNanos()) {
                        stale.incrementAndGet();
                    }
                }
                TimeUnit.MICROSECONDS.sleep(200);
            }
        }));
        long churnEnds = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        await().atMost(Duration.ofSeconds(40)).pollInterval(Duration.ofSeconds(1))
                .until(() -> System.nanoTime() >= churnEnds);
        running.set(false);
        for (Thread thread : threads) {
            thread.join(10_000);
        }
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(
                SERVICES.stream().mapToInt(service -> watched.allInstances(service).size()).sum()).isEqualTo(30));
        ServerStatistics after = server.statistics().orElseThrow();

        logger.info("CHURN-FIGURE swaps " + swaps.get() + ", choices " + choices.get() + ", stale "
                + stale.get() + ", empty " + empty.get() + ", watches " + before.watchCount() + " -> "
                + after.watchCount());
        assertThat(swaps.get()).as("swaps made").isGreaterThan(50);
        assertThat(choices.get()).as("choices made").isGreaterThan(1000);
        assertThat(stale.get()).as("choices of instances deregistered more than " + WINDOW + " ago").isZero();
        assertThat(empty.get()).as("choices that found no instance").isZero();
        assertThat(unknown.get()).as("choices of instances never registered").isZero();
        // Watches are per watched path, not per registration: hundreds of swaps add none.
        assertThat(after.watchCount()).as("server watch count after the churn").isLessThanOrEqualTo(
                before.watchCount());
        assertThat(after.ephemeralCount()).isEqualTo(before.ephemeralCount());
    }

    private void swap(Slot slot) throws Exception {
        ServiceInstance<ZookeeperInstance> old = slot.current;
        this.leaving.add(old.getId());
        this.live.remove(old.getId());
        slot.registrar.unregisterService(old);
        this.deregisteredAt.put(old.getId(), System.nanoTime());
        this.leaving.remove(old.getId());
        slot.current = register(slot);
    }

    private ServiceInstance<ZookeeperInstance> register(Slot slot) throws Exception {
        String id = slot.service + "-" + this.sequence.incrementAndGet();
        HashMap<String, String> metadata = new HashMap<>();
        metadata.put("instance_status", "UP");
        ServiceInstance<ZookeeperInstance> instance = ServiceInstance.<ZookeeperInstance>builder().name(slot.service)
                .id(id).address("127.0.0.1").port(20_000 + (int) (this.sequence.get() % 10_000))
                .uriSpec(new UriSpec("{scheme}://{address}:{port}"))
                .payload(new ZookeeperInstance(id, slot.service, metadata)).build();
        // Known as live before ZooKeeper has it, so that a quick choice of it is not taken for an unknown one.
        this.live.put(id, Boolean.TRUE);
        slot.registrar.registerService(instance);
        return instance;
    }

    private static Thread start(Body body) {
        Thread thread = new Thread(() -> {
            try {
                body.run();
            }
            catch (InterruptedException ex) {
                Thread.currentThread().interrupt();
            }
            catch (Exception ex) {
                throw new IllegalStateException(ex);
            }
        });
        thread.setDaemon(true);
        thread.start();
        return thread;
    }

    private interface Body {

        void run() throws Exception;
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
}
