package dev.meshkeeper.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

import dev.meshkeeper.registry.junit.EmbeddedRegistry;
import dev.meshkeeper.registry.junit.RegistryHandle;
import dev.meshkeeper.zookeeper.ZooKeeperUnavailableException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@EmbeddedRegistry(dedicated = true)
@Timeout(120)
class SharedDataOutageTests {

    record Price(String sku, int cents) {
    }

    @Test
    void whileZooKeeperIsAwayReadsServeTheLastValuesMarkedStaleAndWritesFailAtOnce(RegistryHandle registry)
            throws Exception {
        try (DataClient client = new DataClient(registry)) {
            SharedValue<Price> price = client.data.value("outage-price", Price.class);
            SharedMap<Price> prices = client.data.map("outage-prices", Price.class);
            SharedCounter orders = client.data.counter("outage-orders");
            price.set(new Price("a", 100));
            prices.put("a", new Price("a", 100));
            orders.incrementAndGet(3);
            assertThat(price.getVersioned().stale()).isFalse();

            registry.stop();
            await().atMost(Duration.ofSeconds(20)).until(() -> price.getVersioned().stale());
            assertThat(price.get()).isEqualTo(new Price("a", 100));
            assertThat(prices.get("a")).isEqualTo(new Price("a", 100));
            assertThat(orders.get()).isEqualTo(3);
            assertThat(prices.getVersioned("a").stale()).isTrue();
            assertThat(orders.getVersioned().stale()).isTrue();
            await().atMost(Duration.ofSeconds(5))
                    .until(() -> price.getVersioned().staleFor().compareTo(Duration.ofMillis(200)) > 0);
            assertThat(client.meters.get("meshkeeper.data.stale").gauge().value()).isPositive();
            long started = System.nanoTime();
            assertThatExceptionOfType(ZooKeeperUnavailableException.class)
                    .isThrownBy(() -> price.set(new Price("a", 90)))
                    .withMessageContaining("/meshkeeper/data/outage-price");
            assertThatExceptionOfType(ZooKeeperUnavailableException.class)
                    .isThrownBy(() -> prices.put("b", new Price("b", 1)));
            assertThatExceptionOfType(ZooKeeperUnavailableException.class)
                    .isThrownBy(() -> orders.incrementAndGet(1));
            // generous: the writes did not wait for Curator's retry budget
            assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(3));

            registry.start();
            await().atMost(Duration.ofSeconds(30)).until(() -> !price.getVersioned().stale()
                    && !prices.getVersioned("a").stale() && !orders.getVersioned().stale());
            assertThat(price.getVersioned().staleFor()).isZero();
            assertThat(orders.incrementAndGet(1)).isEqualTo(4);
            assertThat(price.get()).isEqualTo(new Price("a", 100));
        }
    }

    @Test
    void changesMissedDuringALostSessionAreAppliedAndHeardAfterTheResync(RegistryHandle registry) throws Exception {
        try (PausableProxy proxy = new PausableProxy(registry.port());
                DataClient partitioned = new DataClient(proxy.connectString(), new DataProperties());
                DataClient writer = new DataClient(registry)) {
            SharedMap<Price> replica = partitioned.data.map("missed-prices", Price.class);
            SharedValue<Price> value = partitioned.data.value("missed-price", Price.class);
            SharedMap<Price> prices = writer.data.map("missed-prices", Price.class);
            SharedValue<Price> price = writer.data.value("missed-price", Price.class);
            prices.put("kept", new Price("kept", 1));
            prices.put("removed", new Price("removed", 2));
            price.set(new Price("v", 1));
            await().atMost(Duration.ofSeconds(10)).until(() -> replica.size() == 2 && value.get() != null);
            List<String> heard = new CopyOnWriteArrayList<>();
            replica.onChange((key, oldValue, newValue) -> heard.add(key + ":" + ((newValue != null)
                    ? newValue.cents() : "gone")));
            value.onChange((oldValue, newValue) -> heard.add("value:" + newValue.cents()));

            proxy.pause();
            await().atMost(Duration.ofSeconds(20)).until(() -> value.getVersioned().stale());
            prices.remove("removed");
            prices.put("added", new Price("added", 3));
            prices.put("kept", new Price("kept", 10));
            price.set(new Price("v", 2));
            // the partitioned client's session expires: its watch is gone with it
            await().atMost(Duration.ofSeconds(30)).until(() -> partitioned.monitor.losses() > 0);
            assertThat(replica.get("removed")).isNotNull();
            assertThat(heard).isEmpty();

            proxy.resume();
            await().atMost(Duration.ofSeconds(30)).until(() -> !replica.getVersioned("kept").stale());
            assertThat(replica.entries()).containsOnlyKeys("kept", "added");
            assertThat(replica.get("kept").cents()).isEqualTo(10);
            assertThat(value.get().cents()).isEqualTo(2);
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(heard)
                    .containsExactlyInAnyOrder("removed:gone", "added:3", "kept:10", "value:2"));

            // the watch is back: later changes arrive as before
            prices.put("later", new Price("later", 4));
            await().atMost(Duration.ofSeconds(10)).until(() -> replica.get("later") != null);
        }
    }

    @Test
    void anExpiredSessionResyncsAndKeepsReplicating(RegistryHandle registry) throws Exception {
        try (DataClient expiring = new DataClient(registry); DataClient writer = new DataClient(registry)) {
            SharedCounter replica = expiring.data.counter("expiry-counter");
            SharedMap<Integer> map = expiring.data.map("expiry-map", Integer.class);
            SharedCounter counter = writer.data.counter("expiry-counter");
            SharedMap<Integer> writes = writer.data.map("expiry-map", Integer.class);
            counter.incrementAndGet(5);
            await().atMost(Duration.ofSeconds(10)).until(() -> replica.get() == 5);

            registry.expireSession(expiring.zooKeeper());
            counter.incrementAndGet(1);
            writes.put("during", 1);
            await().atMost(Duration.ofSeconds(30)).until(() -> expiring.monitor.losses() > 0);
            await().atMost(Duration.ofSeconds(30)).until(() -> expiring.monitor.isConnected()
                    && !replica.getVersioned().stale());
            await().atMost(Duration.ofSeconds(10)).until(() -> replica.get() == 6 && map.get("during") != null);

            counter.incrementAndGet(1);
            writes.put("after", 2);
            await().atMost(Duration.ofSeconds(10)).until(() -> replica.get() == 7 && map.get("after") != null);
            assertThat(replica.incrementAndGet(1)).isEqualTo(8);
        }
    }
}
