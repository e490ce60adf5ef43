package dev.meshkeeper.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.meshkeeper.registry.junit.EmbeddedRegistry;
import dev.meshkeeper.registry.junit.RegistryHandle;
import dev.meshkeeper.testapps.DeliberatePause;
import dev.meshkeeper.zookeeper.ZooKeeperUnavailableException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import org.apache.curator.framework.CuratorFramework;
import org.apache.zookeeper.data.Stat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Three applications (each its own ZooKeeper session) with four threads each increment a shared counter and
 * increment entries of a shared map while their connections are cut, their sessions expire and the registry
 * restarts. Afterwards: the counter holds every acknowledged increment (and at most the increments whose outcome
 * was unknown besides), no acknowledged map write is lost, the versions every writer saw per key are distinct and
 * rising, each replica heard its keys rise in order, and every replica equals ZooKeeper.
 */
@EmbeddedRegistry(dedicated = true)
@Timeout(240)
class SharedDataFuzzTests {

    private static final Logger logger = LoggerFactory.getLogger(SharedDataFuzzTests.class);

    private static final int APPLICATIONS = 3;

    private static final int THREADS = 4;

    private static final int OPERATIONS_PER_THREAD = 1_500;

    private static final Duration LOAD = Duration.ofSeconds(40);

    private static final List<String> KEYS = List.of("k0", "k1", "k2", "k3", "k4", "k5");

    private final LongAdder counterAcknowledged = new LongAdder();

    private final LongAdder counterUnknown = new LongAdder();

    private final Map<String, LongAdder> entryAcknowledged = new ConcurrentHashMap<>();

    private final Map<String, LongAdder> entryUnknown = new ConcurrentHashMap<>();

    private final Map<String, Set<Integer>> acknowledgedVersions = new ConcurrentHashMap<>();

    private final List<String> violations = new CopyOnWriteArrayList<>();

    private final LongAdder refused = new LongAdder();

    @Test
    void noAcknowledgedWriteIsLostAndEveryReplicaEndsEqualToZooKeeper(RegistryHandle registry) throws Exception {
        KEYS.forEach(key -> {
            this.entryAcknowledged.put(key, new LongAdder());
            this.entryUnknown.put(key, new LongAdder());
            this.acknowledgedVersions.put(key, ConcurrentHashMap.newKeySet());
        });
        List<DataClient> applications = new ArrayList<>();
        for (int i = 0; i < APPLICATIONS; i++) {
            applications.add(new DataClient(registry));
        }
        try {
            List<SharedCounter> counters = new ArrayList<>();
            List<SharedMap<Integer>> maps = new ArrayList<>();
            for (DataClient application : applications) {
                counters.add(application.data.counter("fuzz-counter"));
                SharedMap<Integer> map = application.data.map("fuzz-map", Integer.class);
                maps.add(map);
                Map<String, Integer> lastHeard = new ConcurrentHashMap<>();
                map.onChange((key, oldValue, newValue) -> {
                    Integer previous = lastHeard.put(key, newValue);
                    if (previous != null && newValue != null && newValue <= previous) {
                        this.violations.add("replica heard " + key + " go from " + previous + " to " + newValue);
                    }
                });
            }
            long deadline = System.nanoTime() + LOAD.toNanos();
            ExecutorService workers = Executors.newFixedThreadPool(APPLICATIONS * THREADS);
            List<Future<?>> runs = new ArrayList<>();
            for (int a = 0; a < APPLICATIONS; a++) {
                for (int t = 0; t < THREADS; t++) {
                    SharedCounter counter = counters.get(a);
                    SharedMap<Integer> map = maps.get(a);
                    runs.add(workers.submit(() -> work(counter, map, deadline)));
                }
            }
            injectFaults(registry, applications, deadline);
            for (Future<?> run : runs) {
                run.get(LOAD.toSeconds() + 60, TimeUnit.SECONDS);
            }
            workers.shutdown();

            for (DataClient application : applications) {
                await().atMost(Duration.ofSeconds(60)).until(() -> application.monitor.isConnected());
            }
            CuratorFramework reader = applications.get(0).curator;
            await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
                Map<String, String> truth = zooKeeper(reader);
                for (int i = 0; i < APPLICATIONS; i++) {
                    assertThat(replica(counters.get(i), maps.get(i))).as("replica of application %d", i)
                            .isEqualTo(truth);
                    assertThat(counters.get(i).getVersioned().stale()).isFalse();
                }
            });

            long counter = counters.get(0).get();
            logger.info("Counter {} with {} acknowledged and {} unknown increments; {} writes refused while away; "
                    + "connection losses {}", counter, this.counterAcknowledged.sum(), this.counterUnknown.sum(),
                    this.refused.sum(), applications.stream().mapToLong(app -> app.monitor.losses()).sum());
            assertThat(this.counterAcknowledged.sum()).isPositive();
            assertThat(counter).isBetween(this.counterAcknowledged.sum(),
                    this.counterAcknowledged.sum() + this.counterUnknown.sum());
            for (String key : KEYS) {
                Versioned<Integer> entry = maps.get(0).getVersioned(key);
                long acknowledged = this.entryAcknowledged.get(key).sum();
                if (acknowledged == 0) {
                    continue;
                }
                assertThat(entry.value().longValue()).as("entry %s", key).isBetween(acknowledged,
                        acknowledged + this.entryUnknown.get(key).sum());
                // every write was an increment by one from 1 at version 0
                assertThat(entry.value()).as("entry %s", key).isEqualTo(entry.version() + 1);
                assertThat(this.acknowledgedVersions.get(key)).as("versions acknowledged for %s", key)
                        .hasSize((int) acknowledged);
            }
            assertThat(this.violations).isEmpty();
            assertThat(applications.stream().mapToLong(app -> app.monitor.suspensions()).sum()).isPositive();
        }
        finally {
            applications.forEach(DataClient::close);
        }
    }

    private void work(SharedCounter counter, SharedMap<Integer> map, long deadline) {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        Map<String, Integer> lastVersion = new TreeMap<>();
        for (int i = 0; i < OPERATIONS_PER_THREAD && System.nanoTime() < deadline; i++) {
            boolean increment = random.nextBoolean();
            String key = KEYS.get(random.nextInt(KEYS.size()));
            try {
                if (increment) {
                    counter.incrementAndGet(1);
                    this.counterAcknowledged.increment();
                }
                else {
                    Versioned<Integer> written = map.update(key, value -> (value == null) ? 1 : value + 1);
                    this.entryAcknowledged.get(key).increment();
                    if (!this.acknowledgedVersions.get(key).add(written.version())) {
                        this.violations.add("version " + written.version() + " of " + key + " acknowledged twice");
                    }
                    Integer previous = lastVersion.put(key, written.version());
                    if (previous != null && written.version() <= previous) {
                        this.violations.add("a writer saw " + key + " go from v" + previous + " to v"
                                + written.version());
                    }
                }
            }
            catch (ZooKeeperUnavailableException ex) {
                if (ex.getCause() != null) {
                    unknown(increment, key);
                }
                else {
                    this.refused.increment();
                    pause(random);
                }
            }
            catch (UpdateConflictException ex) {
                this.refused.increment();
            }
            catch (RuntimeException ex) {
                logger.info("Outcome unknown after {}", ex.toString());
                unknown(increment, key);
                pause(random);
            }
        }
    }

    private void unknown(boolean increment, String key) {
        if (increment) {
            this.counterUnknown.increment();
        }
        else {
            this.entryUnknown.get(key).increment();
        }
    }

    /** Pacing of one application's writes (5 to 50 ms apart), not a wait for an outcome. */
    private static void pause(ThreadLocalRandom random) {
        DeliberatePause.take(Duration.ofMillis(random.nextInt(5, 50)));
    }

    private void injectFaults(RegistryHandle registry, List<DataClient> applications, long deadline)
            throws InterruptedException {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        AtomicLong round = new AtomicLong();
        boolean restarted = false;
        while (System.nanoTime() < deadline - Duration.ofSeconds(5).toNanos()) {
            // Pacing of the faults (one every 0.8 to 2 s), not a wait for an outcome.
            if (!DeliberatePause.take(Duration.ofMillis(random.nextLong(800, 2_000)))) {
                throw new InterruptedException("fault injection interrupted");
            }
            DataClient victim = applications.get(random.nextInt(applications.size()));
            long fault = round.incrementAndGet();
            try {
                if (!restarted && fault >= 8) {
                    logger.info("Fault {}: registry restart", fault);
                    registry.restart();
                    restarted = true;
                }
                else if (random.nextBoolean()) {
                    logger.info("Fault {}: connection cut", fault);
                    registry.cutConnection(victim.zooKeeper());
                }
                else {
                    logger.info("Fault {}: session expired", fault);
                    registry.expireSession(victim.zooKeeper());
                }
            }
            catch (Exception ex) {
                logger.info("Fault {} not injected: {}", fault, ex.toString());
            }
        }
        assertThat(restarted).as("the registry restarted during the load").isTrue();
    }

    private static Map<String, String> zooKeeper(CuratorFramework reader) throws Exception {
        Map<String, String> truth = new TreeMap<>();
        truth.put("counter", new String(reader.getData().forPath("/meshkeeper/data/fuzz-counter"),
                StandardCharsets.UTF_8));
        for (String key : reader.getChildren().forPath("/meshkeeper/data/fuzz-map")) {
            Stat stat = new Stat();
            byte[] data = reader.getData().storingStatIn(stat).forPath("/meshkeeper/data/fuzz-map/" + key);
            truth.put(key, new String(data, StandardCharsets.UTF_8) + "@v" + stat.getVersion());
        }
        return truth;
    }

    private static Map<String, String> replica(SharedCounter counter, SharedMap<Integer> map) {
        Map<String, String> replica = new TreeMap<>();
        replica.put("counter", Long.toString(counter.get()));
        for (String key : map.entries().keySet()) {
            Versioned<Integer> entry = map.getVersioned(key);
            replica.put(key, entry.value() + "@v" + entry.version());
        }
        return replica;
    }
}
