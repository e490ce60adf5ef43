package dev.meshkeeper.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;
import static org.awaitility.Awaitility.await;

import dev.meshkeeper.registry.junit.EmbeddedRegistry;
import dev.meshkeeper.registry.junit.RegistryHandle;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.zookeeper.data.Stat;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.Timeout;

@EmbeddedRegistry
@Timeout(120)
class SharedDataTests {

    record Stock(int available, long fencingToken) {
    }

    DataClient first;

    DataClient second;

    String name;

    @BeforeEach
    void connect(RegistryHandle registry, TestInfo test) throws Exception {
        this.first = new DataClient(registry);
        this.second = new DataClient(registry);
        this.name = test.getTestMethod().orElseThrow().getName().toLowerCase(Locale.ROOT);
    }

    @AfterEach
    void close() {
        this.first.close();
        this.second.close();
    }

    private String json(String path) throws Exception {
        return new String(this.first.curator.getData().forPath(path), StandardCharsets.UTF_8);
    }

    @Test
    void aValueWrittenByOneInstanceIsHeldAsExactlyItsJsonAndReachesTheOthersReplica() throws Exception {
        SharedValue<Stock> writer = this.first.data.value(this.name, Stock.class);
        SharedValue<Stock> reader = this.second.data.value(this.name, Stock.class);
        assertThat(reader.get()).isNull();
        assertThat(reader.getVersioned().exists()).isFalse();
        Versioned<Stock> written = writer.set(new Stock(5, 1));
        assertThat(written.version()).isZero();
        assertThat(writer.get()).isEqualTo(new Stock(5, 1));
        assertThat(json("/meshkeeper/data/" + this.name)).isEqualTo("{\"available\":5,\"fencingToken\":1}");
        await().atMost(Duration.ofSeconds(10)).until(() -> new Stock(5, 1).equals(reader.get()));
        Versioned<Stock> read = reader.getVersioned();
        assertThat(read.version()).isZero();
        assertThat(read.modifiedZxid()).isEqualTo(written.modifiedZxid());
        assertThat(read.modifiedAt()).isNotNull();
        assertThat(read.stale()).isFalse();
        assertThat(read.staleFor()).isZero();
        assertThat(this.second.data.value(this.name, Stock.class)).isSameAs(reader);
    }

    @Test
    void compareAndSetWritesOnlyOverTheExpectedVersionAndOtherwiseReturnsTheFreshValue() {
        SharedValue<Stock> mine = this.first.data.value(this.name, Stock.class);
        SharedValue<Stock> theirs = this.second.data.value(this.name, Stock.class);
        assertThat(mine.compareAndSet(Versioned.ABSENT, new Stock(10, 1)).applied()).isTrue();
        CasResult<Stock> createdTwice = theirs.compareAndSet(Versioned.ABSENT, new Stock(99, 9));
        assertThat(createdTwice.applied()).isFalse();
        assertThat(createdTwice.current().value()).isEqualTo(new Stock(10, 1));
        assertThat(createdTwice.current().version()).isZero();
        CasResult<Stock> next = theirs.compareAndSet(0, new Stock(9, 2));
        assertThat(next.applied()).isTrue();
        assertThat(next.current().version()).isEqualTo(1);
        CasResult<Stock> late = mine.compareAndSet(0, new Stock(8, 1));
        assertThat(late.applied()).isFalse();
        assertThat(late.current().value()).isEqualTo(new Stock(9, 2));
        assertThat(late.current().version()).isEqualTo(1);
        assertThat(mine.get()).isEqualTo(new Stock(9, 2));
        assertThat(this.first.meters.get("meshkeeper.data.conflicts").counter().count()).isEqualTo(1);
    }

    @Test
    void updateRetriesOnFreshValuesAndGivesUpAfterTheBoundedAttemptsWithoutWriting(RegistryHandle registry)
            throws Exception {
        DataProperties properties = new DataProperties();
        properties.setUpdateAttempts(3);
        try (DataClient bounded = new DataClient(registry, properties)) {
            SharedValue<Stock> mine = bounded.data.value(this.name, Stock.class);
            SharedValue<Stock> theirs = this.second.data.value(this.name, Stock.class);
            theirs.set(new Stock(1, 1));
            AtomicInteger calls = new AtomicInteger();
            assertThat(mine.update(stock -> new Stock(calls.incrementAndGet() + 100, 1)).version()).isEqualTo(1);
            AtomicInteger interfered = new AtomicInteger();
            assertThatExceptionOfType(UpdateConflictException.class).isThrownBy(() -> mine.update(stock -> {
                theirs.set(new Stock(interfered.incrementAndGet(), 1));
                return new Stock(-1, 1);
            })).withMessageContaining(this.name).withMessageContaining("meshkeeper.data.update-attempts=3");
            assertThat(interfered).hasValue(3);
            assertThat(theirs.getVersioned().value()).isEqualTo(new Stock(3, 1));
            assertThat(json("/meshkeeper/data/" + this.name)).doesNotContain("-1");
            assertThatIllegalStateException().isThrownBy(() -> mine.update(stock -> {
                throw new IllegalStateException("token too low");
            })).withMessage("token too low");
            assertThat(json("/meshkeeper/data/" + this.name)).contains("\"available\":3");
        }
    }

    @Test
    void aMapKeepsOneChildPerEntryWithItsOwnVersion() throws Exception {
        SharedMap<Stock> stock = this.first.data.map(this.name, Stock.class);
        SharedMap<Stock> replica = this.second.data.map(this.name, Stock.class);
        assertThat(json("/meshkeeper/data/" + this.name)).isEqualTo("{\"kind\":\"map\"}");
        assertThat(stock.putIfAbsent("sku-1", new Stock(10, 1)).applied()).isTrue();
        CasResult<Stock> again = replica.putIfAbsent("sku-1", new Stock(20, 2));
        assertThat(again.applied()).isFalse();
        assertThat(again.current().value()).isEqualTo(new Stock(10, 1));
        assertThat(stock.put("sku-2", new Stock(3, 1)).version()).isZero();
        assertThat(stock.put("sku-2", new Stock(4, 1)).version()).isEqualTo(1);
        assertThat(json("/meshkeeper/data/" + this.name + "/sku-2")).isEqualTo("{\"available\":4,\"fencingToken\":1}");
        await().atMost(Duration.ofSeconds(10)).until(() -> replica.size() == 2
                && new Stock(4, 1).equals(replica.get("sku-2")));
        assertThat(replica.entries()).containsOnlyKeys("sku-1", "sku-2");
        assertThat(replica.getVersioned("sku-1").version()).isZero();
        assertThat(replica.compareAndSet("sku-1", 0, new Stock(9, 2)).applied()).isTrue();
        assertThat(stock.compareAndSet("sku-1", 0, new Stock(8, 1)).applied()).isFalse();
        assertThat(stock.replace("sku-2", new Stock(4, 1), new Stock(5, 1))).isTrue();
        assertThat(stock.replace("sku-2", new Stock(4, 1), new Stock(6, 1))).isFalse();
        assertThat(stock.get("sku-2")).isEqualTo(new Stock(5, 1));
        assertThat(stock.update("sku-3", current -> (current == null) ? new Stock(1, 1) : current).version())
                .isZero();
        assertThat(stock.remove("sku-3")).isTrue();
        assertThat(stock.remove("sku-3")).isFalse();
        assertThat(stock.get("sku-3")).isNull();
        await().atMost(Duration.ofSeconds(10)).until(() -> replica.size() == 2
                && new Stock(5, 1).equals(replica.get("sku-2")));
    }

    @Test
    void replaceNeverReportsSuccessWhenZooKeeperHoldsAnotherValue() {
        SharedMap<Stock> mine = this.first.data.map(this.name, Stock.class);
        SharedMap<Stock> theirs = this.second.data.map(this.name, Stock.class);
        mine.put("sku", new Stock(10, 1));
        for (int round = 0; round < 20; round++) {
            Stock seen = mine.get("sku");
            // another instance changes the entry; this replica may not have heard yet
            theirs.put("sku", new Stock(seen.available() + 1000, round));
            assertThat(mine.replace("sku", seen, new Stock(-1, -1))).isFalse();
            await().atMost(Duration.ofSeconds(10)).until(() -> mine.get("sku").fencingToken() == seen.fencingToken()
                    || mine.getVersioned("sku").version() > 0);
        }
        assertThat(theirs.getVersioned("sku").value().available()).isNotEqualTo(-1);
    }

    @Test
    void counterIncrementsAreExactAcrossThreadsAndInstances() throws Exception {
        SharedCounter here = this.first.data.counter(this.name);
        SharedCounter there = this.second.data.counter(this.name);
        assertThat(json("/meshkeeper/data/" + this.name)).isEqualTo("0");
        ExecutorService threads = Executors.newFixedThreadPool(8);
        Set<Long> results = ConcurrentHashMap.newKeySet();
        List<Future<?>> runs = new ArrayList<>();
        for (int thread = 0; thread < 8; thread++) {
            SharedCounter counter = (thread % 2 == 0) ? here : there;
            runs.add(threads.submit(() -> {
                for (int i = 0; i < 100; i++) {
                    assertThat(results.add(counter.incrementAndGet(1))).isTrue();
                }
            }));
        }
        for (Future<?> run : runs) {
            run.get(60, TimeUnit.SECONDS);
        }
        threads.shutdown();
        assertThat(results).hasSize(800);
        assertThat(results).allMatch(value -> value >= 1 && value <= 800);
        assertThat(json("/meshkeeper/data/" + this.name)).isEqualTo("800");
        await().atMost(Duration.ofSeconds(10)).until(() -> here.get() == 800 && there.get() == 800);
        assertThat(here.incrementAndGet(-800)).isZero();
    }

    @Test
    void openingANameAsAnotherKindFailsNamingBothKinds() {
        this.first.data.map(this.name + "-map", Stock.class);
        assertThatIllegalStateException().isThrownBy(() -> this.second.data.counter(this.name + "-map"))
                .withMessageContaining("'" + this.name + "-map' is a map, not a counter");
        assertThatIllegalStateException().isThrownBy(() -> this.second.data.value(this.name + "-map", Stock.class))
                .withMessageContaining("is a map, not a value");
        this.first.data.value(this.name + "-value", Stock.class).set(new Stock(1, 1));
        assertThatIllegalStateException().isThrownBy(() -> this.second.data.counter(this.name + "-value"))
                .withMessageContaining("is a value, not a counter");
        assertThatIllegalStateException().isThrownBy(() -> this.second.data.map(this.name + "-value", Stock.class))
                .withMessageContaining("is a value, not a map");
        this.first.data.counter(this.name + "-counter").incrementAndGet(7);
        assertThatIllegalStateException().isThrownBy(() -> this.second.data.value(this.name + "-counter", Stock.class))
                .withMessageContaining("is a counter, not a value");
        assertThat(this.second.data.value(this.name + "-counter", Long.class).get()).isEqualTo(7L);
        assertThatIllegalStateException().isThrownBy(() -> this.first.data.value(this.name + "-counter", Stock.class))
                .withMessageContaining("is a counter, not a value");
        assertThatIllegalStateException().isThrownBy(() -> this.first.data.map(this.name + "-value", String.class))
                .withMessageContaining("is a value, not a map");
    }

    @Test
    void namesAndKeysOutsideTheRuleAreRefusedNamingTheRule() {
        for (String bad : new String[] { "", ".", "..", ".hidden", "a/b", "a b", "x".repeat(129), "é" }) {
            assertThatIllegalArgumentException().isThrownBy(() -> this.first.data.value(bad, String.class))
                    .withMessageContaining("'" + bad + "'")
                    .withMessageContaining("[A-Za-z0-9_-][A-Za-z0-9._-]{0,127}");
        }
        SharedMap<String> map = this.first.data.map(this.name, String.class);
        assertThatIllegalArgumentException().isThrownBy(() -> map.put("..", "x")).withMessageContaining("key '..'");
        assertThat(map.put("a.b-c_" + "x".repeat(122), "ok").version()).isZero();
    }

    @Test
    void aValueOverZooKeepersSizeLimitIsRefusedBeforeTheWrite() throws Exception {
        SharedValue<String> value = this.first.data.value(this.name, String.class);
        value.set("small");
        assertThatIllegalArgumentException().isThrownBy(() -> value.set("x".repeat(1_100_000)))
                .withMessageContaining("'" + this.name + "'").withMessageContaining("jute.maxbuffer=");
        SharedMap<String> map = this.first.data.map(this.name + "-map", String.class);
        assertThatIllegalArgumentException().isThrownBy(() -> map.put("big", "x".repeat(1_100_000)))
                .withMessageContaining("jute.maxbuffer=");
        assertThat(json("/meshkeeper/data/" + this.name)).isEqualTo("\"small\"");
        assertThat(this.first.curator.checkExists().forPath("/meshkeeper/data/" + this.name + "-map/big")).isNull();
    }

    @Test
    void aMapRefusesNewKeysBeyondMaxEntries(RegistryHandle registry) throws Exception {
        DataProperties properties = new DataProperties();
        properties.setMaxEntries(3);
        try (DataClient limited = new DataClient(registry, properties)) {
            SharedMap<Integer> map = limited.data.map(this.name, Integer.class);
            map.put("a", 1);
            map.put("b", 2);
            assertThat(map.putIfAbsent("c", 3).applied()).isTrue();
            assertThatIllegalStateException().isThrownBy(() -> map.put("d", 4))
                    .withMessageContaining("'" + this.name + "'").withMessageContaining("meshkeeper.data.max-entries=3")
                    .withMessageContaining("'d'");
            assertThatIllegalStateException().isThrownBy(() -> map.putIfAbsent("d", 4));
            assertThat(map.put("a", 10).version()).isEqualTo(1);
            assertThat(limited.curator.checkExists().forPath("/meshkeeper/data/" + this.name + "/d")).isNull();
        }
    }

    @Test
    void anUndecodablePayloadKeepsTheLastGoodValueIsCountedAndNamedWithItsJsonPath() throws Exception {
        SharedValue<Stock> value = this.first.data.value(this.name, Stock.class);
        value.set(new Stock(5, 1));
        String path = "/meshkeeper/data/" + this.name;
        this.second.curator.setData().forPath(path, "{\"available\":\"lots\",\"fencingToken\":2}".getBytes());
        await().atMost(Duration.ofSeconds(10))
                .until(() -> this.first.meters.get("meshkeeper.data.undecodable").counter().count() == 1);
        assertThat(value.get()).isEqualTo(new Stock(5, 1));
        assertThat(value.getVersioned().version()).isZero();
        assertThatIllegalStateException().isThrownBy(() -> value.compareAndSet(0, new Stock(4, 1)))
                .withMessageContaining("'" + this.name + "'").withMessageContaining("Stock")
                .withMessageContaining("$.available");
        Versioned<Stock> repaired = value.set(new Stock(7, 3));
        assertThat(repaired.version()).isEqualTo(2);
        await().atMost(Duration.ofSeconds(10)).until(() -> new Stock(7, 3).equals(value.get()));
    }

    @Test
    void listenersAndEventsHearEachNamesChangesInOrderAfterTheReplicaShowsThem() throws Exception {
        SharedCounter watched = this.first.data.counter(this.name);
        SharedMap<Integer> map = this.first.data.map(this.name + "-map", Integer.class);
        List<Long> heard = new CopyOnWriteArrayList<>();
        List<String> behind = new CopyOnWriteArrayList<>();
        watched.onChange((oldValue, newValue) -> {
            throw new IllegalStateException("a failing listener does not silence the others");
        });
        watched.onChange((oldValue, newValue) -> {
            heard.add(newValue);
            if (watched.get() < newValue) {
                behind.add(oldValue + "->" + newValue);
            }
        });
        List<Integer> entryHeard = new CopyOnWriteArrayList<>();
        map.onChange("k", (oldValue, newValue) -> entryHeard.add(newValue));
        List<String> mapHeard = new CopyOnWriteArrayList<>();
        Subscription subscription = map.onChange((key, oldValue, newValue) -> mapHeard.add(key + "=" + newValue));
        SharedCounter writer = this.second.data.counter(this.name);
        SharedMap<Integer> mapWriter = this.second.data.map(this.name + "-map", Integer.class);
        for (int i = 1; i <= 50; i++) {
            writer.incrementAndGet(1);
            mapWriter.put("k", i);
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> !heard.isEmpty() && heard.get(heard.size() - 1) == 50
                && !entryHeard.isEmpty() && entryHeard.get(entryHeard.size() - 1) == 50);
        assertThat(heard).isSorted().doesNotHaveDuplicates();
        assertThat(entryHeard).isSorted().doesNotHaveDuplicates();
        assertThat(behind).isEmpty();
        assertThat(mapHeard).endsWith("k=50");
        List<Integer> fromEvents = this.first.events.stream()
                .filter(event -> event.getName().equals(this.name + "-map"))
                .map(event -> (Integer) event.getNewValue()).toList();
        assertThat(fromEvents).isSorted().endsWith(50);
        subscription.close();
        mapWriter.remove("k");
        await().atMost(Duration.ofSeconds(10)).until(() -> entryHeard.get(entryHeard.size() - 1) == null);
        assertThat(mapHeard).endsWith("k=50");
    }

    @Test
    void openingANameAnnouncesOnlyLaterChangesNotWhatItFinds() {
        SharedMap<Integer> writer = this.first.data.map(this.name, Integer.class);
        writer.put("a", 1);
        writer.put("b", 2);
        SharedMap<Integer> opened = this.second.data.map(this.name, Integer.class);
        assertThat(opened.entries()).containsOnlyKeys("a", "b");
        List<String> heard = new CopyOnWriteArrayList<>();
        opened.onChange((key, oldValue, newValue) -> heard.add(key + ":" + oldValue + "->" + newValue));
        writer.put("c", 3);
        await().atMost(Duration.ofSeconds(10)).until(() -> !heard.isEmpty());
        assertThat(heard).containsExactly("c:null->3");
        assertThat(this.second.events).extracting(SharedDataChangedEvent::getKey).containsExactly("c");
    }

    @Test
    void theReplicaNeverGoesBackToAnOlderVersion() {
        SharedValue<Stock> value = this.first.data.value(this.name, Stock.class);
        Versioned<Stock> first = value.set(new Stock(1, 1));
        Versioned<Stock> second = value.set(new Stock(2, 2));
        List<Stock> heard = new CopyOnWriteArrayList<>();
        value.onChange((oldValue, newValue) -> heard.add(newValue));
        // an answer that arrives late, e.g. over another session, carries the older modification zxid
        Stat older = new Stat();
        older.setVersion(first.version());
        older.setMzxid(first.modifiedZxid());
        ((SingleNodeReplica<Stock>) value).apply(older,
                "{\"available\":1,\"fencingToken\":1}".getBytes(StandardCharsets.UTF_8));
        assertThat(value.get()).isEqualTo(new Stock(2, 2));
        assertThat(value.getVersioned().modifiedZxid()).isEqualTo(second.modifiedZxid());
        value.set(new Stock(3, 3));
        await().atMost(Duration.ofSeconds(10)).until(() -> !heard.isEmpty());
        assertThat(heard).containsExactly(new Stock(3, 3));
    }

    @Test
    void readsComeFromMemoryWithoutAllocating() {
        SharedValue<Stock> value = this.first.data.value(this.name, Stock.class);
        SharedMap<Stock> map = this.first.data.map(this.name + "-map", Stock.class);
        SharedCounter counter = this.first.data.counter(this.name + "-counter");
        value.set(new Stock(1, 1));
        map.put("sku", new Stock(2, 1));
        counter.incrementAndGet(3);
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory
                .getThreadMXBean();
        long sum = 0;
        for (int warmup = 0; warmup < 20_000; warmup++) {
            sum += value.get().available() + map.get("sku").available() + counter.get() + map.entries().size();
        }
        long thread = Thread.currentThread().getId();
        long before = threads.getThreadAllocatedBytes(thread);
        for (int i = 0; i < 10_000; i++) {
            sum += value.get().available() + map.get("sku").available() + counter.get() + map.entries().size();
        }
        long allocated = threads.getThreadAllocatedBytes(thread) - before;
        assertThat(sum).isPositive();
        // one object per read would be at least 40,000 x 16 bytes
        assertThat(allocated).isLessThan(64 * 1024);
    }

    @Test
    void theReplicaShowsAWriteMadeDirectlyInZooKeeper() throws Exception {
        SharedMap<Stock> map = this.first.data.map(this.name, Stock.class);
        this.second.curator.create().forPath("/meshkeeper/data/" + this.name + "/sku-9",
                "{\"available\":42,\"fencingToken\":0}".getBytes(StandardCharsets.UTF_8));
        await().atMost(Duration.ofSeconds(10)).until(() -> new Stock(42, 0).equals(map.get("sku-9")));
        Stat stat = this.second.curator.checkExists().forPath("/meshkeeper/data/" + this.name + "/sku-9");
        assertThat(map.getVersioned("sku-9").modifiedZxid()).isEqualTo(stat.getMzxid());
        this.second.curator.delete().forPath("/meshkeeper/data/" + this.name + "/sku-9");
        await().atMost(Duration.ofSeconds(10)).until(() -> map.get("sku-9") == null);
    }
}
