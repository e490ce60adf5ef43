package dev.meshkeeper.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.meshkeeper.actuate.MeshkeeperEndpoint;
import dev.meshkeeper.registry.junit.EmbeddedRegistry;
import dev.meshkeeper.registry.junit.RegistryHandle;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.RetryOneTime;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.cloud.context.config.annotation.RefreshScope;
import org.springframework.cloud.context.environment.EnvironmentChangeEvent;
import org.springframework.cloud.context.scope.refresh.RefreshScopeRefreshedEvent;
import org.springframework.cloud.zookeeper.config.AbstractZookeeperPropertySource;
import org.springframework.cloud.zookeeper.config.ConfigWatcher;
import org.springframework.cloud.zookeeper.config.ZookeeperPropertySource;
import org.springframework.context.ApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.event.EventListener;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.Environment;
import org.springframework.core.env.MutablePropertySources;
import org.springframework.core.env.PropertySource;

@EmbeddedRegistry
@SpringBootTest(properties = { "spring.application.name=live-config-test",
        "spring.config.import=optional:zookeeper:", "spring.cloud.zookeeper.discovery.enabled=false",
        "meshkeeper.config.coalesce-window=300ms", "management.endpoints.web.exposure.include=meshkeeper" })
@Timeout(120)
class LiveConfigRefreshIntegrationTests {

    static final String CONTEXT = "/config/live-config-test";

    static final AtomicInteger RUNS = new AtomicInteger();

    static CuratorFramework writer;

    @Autowired
    OrdersTestProperties orders;

    @Autowired
    InventoryTestProperties inventory;

    @Autowired
    SecureTestProperties payments;

    @Autowired
    Environment environment;

    @Autowired
    Recorder recorder;

    @Autowired
    MeterRegistry meters;

    @Autowired
    MeshkeeperEndpoint endpoint;

    @Autowired
    ApplicationContext applicationContext;

    @Autowired
    Greeting greeting;


    @BeforeAll
    static void seed(RegistryHandle registry) throws Exception {
        writer = CuratorFrameworkFactory.newClient(registry.connectString(), new RetryOneTime(100));
        writer.start();
        writer.blockUntilConnected();
        write(CONTEXT + "/orders/max-quantity", "20");
        write(CONTEXT + "/inventory/warehouse", "north");
        write(CONTEXT + "/payments/password", "a-long-secret");
        write(CONTEXT + "/seeded/marker", "present");
    }

    @AfterAll
    static void closeWriter() {
        writer.close();
    }

    @BeforeEach
    void settle() {
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(this.endpoint.section("config"))
                .extracting("contexts").asList().allSatisfy((context) -> assertThat(context)
                        .extracting("watching").isEqualTo(true)));
    }

    @Test
    void loadsSpringCloudZookeeperContextsAndSwitchesItsWatcherOff() {
        assertThat(this.environment.getProperty("seeded.marker")).isEqualTo("present");
        assertThat(this.orders.getMaxQuantity()).isBetween(1, 1000);
        assertThat(this.applicationContext.getBeansOfType(ConfigWatcher.class)).isEmpty();
        assertThat(this.environment.getProperty("spring.cloud.zookeeper.config.watcher.enabled")).isEqualTo("false");
        assertThat(this.endpoint.section("config")).extracting("contexts").asList().extracting("context")
                .contains("/config/application", CONTEXT);
    }

    @Test
    void changedKeyRebindsOnlyTheBeanWhosePrefixCoversIt() throws Exception {
        int inventoryBinds = this.inventory.binds();
        int ordersBinds = this.orders.binds();
        this.recorder.changes.clear();

        write(CONTEXT + "/orders/max-quantity", "25");

        // The value is set during the rebind, the bind count at its end.
        await().atMost(Duration.ofSeconds(10))
                .until(() -> this.orders.getMaxQuantity() == 25 && this.orders.binds() > ordersBinds);
        assertThat(this.environment.getProperty("orders.max-quantity")).isEqualTo("25");
        assertThat(this.orders.binds()).isEqualTo(ordersBinds + 1);
        assertThat(this.inventory.binds()).isEqualTo(inventoryBinds);
        await().atMost(Duration.ofSeconds(5)).untilAsserted(
                () -> assertThat(this.recorder.changes).containsExactly(List.of("orders.max-quantity")));
    }

    @Test
    void bothZooKeeperKeyFormsChangeTheBean() throws Exception {
        write(CONTEXT + "/orders/max-quantity", "31");
        await().atMost(Duration.ofSeconds(10)).until(() -> this.orders.getMaxQuantity() == 31);

        writer.delete().forPath(CONTEXT + "/orders/max-quantity");
        write(CONTEXT + "/orders.max-quantity", "32");
        await().atMost(Duration.ofSeconds(10)).until(() -> this.orders.getMaxQuantity() == 32);
        assertThat(this.environment.getProperty("orders.max-quantity")).isEqualTo("32");

        write(CONTEXT + "/orders.express-shipping", "true");
        await().atMost(Duration.ofSeconds(10)).until(() -> this.orders.isExpressShipping());

        writer.delete().forPath(CONTEXT + "/orders.max-quantity");
        writer.delete().forPath(CONTEXT + "/orders.express-shipping");
        write(CONTEXT + "/orders/max-quantity", "20");
        await().atMost(Duration.ofSeconds(10)).until(() -> this.orders.getMaxQuantity() == 20);
    }

    @ParameterizedTest
    @ValueSource(strings = { "0", "-5", "lots", "1000001" })
    void rejectedValueKeepsLastGoodValueUntilCorrected(String bad) throws Exception {
        int good = 200 + RUNS.incrementAndGet();
        int refreshes = this.recorder.scopeRefreshes.get();
        write(CONTEXT + "/orders/max-quantity", String.valueOf(good));
        await().atMost(Duration.ofSeconds(10)).until(() -> this.orders.getMaxQuantity() == good
                && this.recorder.scopeRefreshes.get() > refreshes);
        this.greeting.text();
        int greetings = Greeting.created.get();
        double rejectedBefore = counter("rejected");
        this.recorder.rejections.clear();
        this.recorder.changes.clear();

        write(CONTEXT + "/orders/max-quantity", bad);

        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(this.recorder.rejections)
                .singleElement().satisfies((event) -> {
                    assertThat(event.getKey()).isEqualTo("orders.max-quantity");
                    assertThat(event.getContext()).isEqualTo(CONTEXT);
                    assertThat(event.getValue()).isEqualTo(bad);
                    assertThat(event.getReason()).isNotBlank();
                }));
        assertThat(this.orders.getMaxQuantity()).isEqualTo(good);
        assertThat(this.environment.getProperty("orders.max-quantity")).isEqualTo(String.valueOf(good));
        assertThat(counter("rejected")).isEqualTo(rejectedBefore + 1);
        assertThat(this.recorder.changes).isEmpty();
        this.greeting.text();
        assertThat(Greeting.created.get()).as("@RefreshScope bean not refreshed by a rejected change")
                .isEqualTo(greetings);
        assertThat(this.endpoint.section("config")).extracting("rejections").asList().singleElement()
                .satisfies((rejection) -> assertThat(rejection).extracting("key", "value")
                        .containsExactly("orders.max-quantity", bad));

        write(CONTEXT + "/orders/max-quantity", String.valueOf(good + 500));

        await().atMost(Duration.ofSeconds(10)).until(() -> this.orders.getMaxQuantity() == good + 500);
        assertThat(this.environment.getProperty("orders.max-quantity")).isEqualTo(String.valueOf(good + 500));
        assertThat(this.endpoint.section("config")).extracting("rejections").asList().isEmpty();
        assertThat(this.recorder.rejections).hasSize(1);
    }

    /** The first write is applied at once, the rest of the burst together in the next refresh. */
    @Test
    void burstOfWritesIsAppliedInFarFewerRefreshesEndingAtTheLastValues() throws Exception {
        write(CONTEXT + "/orders/max-quantity", "100");
        await().atMost(Duration.ofSeconds(10)).until(() -> this.orders.getMaxQuantity() == 100);
        this.recorder.changes.clear();
        double appliedBefore = counter("applied");

        // Pipelined writes: ZooKeeper delivers them as separate changes within a few milliseconds.
        for (int i = 1; i <= 10; i++) {
            writer.setData().inBackground().forPath(CONTEXT + "/orders/max-quantity",
                    String.valueOf(100 + i).getBytes(StandardCharsets.UTF_8));
        }
        writer.setData().inBackground().forPath(CONTEXT + "/inventory/warehouse",
                "south".getBytes(StandardCharsets.UTF_8));

        await().atMost(Duration.ofSeconds(10)).until(() -> this.orders.getMaxQuantity() == 110
                && "south".equals(this.inventory.getWarehouse()));
        await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(5))
                .untilAsserted(() -> assertThat(this.recorder.changes).isNotEmpty().hasSizeLessThanOrEqualTo(3));
        assertThat(this.recorder.changes).as("11 writes, far fewer refreshes").hasSizeLessThanOrEqualTo(3);
        assertThat(this.recorder.changes.stream().flatMap(List::stream).distinct())
                .containsExactlyInAnyOrder("orders.max-quantity", "inventory.warehouse");
        assertThat(this.environment.getProperty("orders.max-quantity")).isEqualTo("110");
        assertThat(counter("applied")).isEqualTo(
                appliedBefore + this.recorder.changes.stream().mapToInt(List::size).sum());
        assertThat(this.meters.get("meshkeeper.config.refresh").timer().count()).isPositive();
    }

    @Test
    void liveRefreshKeepsWorkingAfterAFullRefreshReloadedThePropertySource() throws Exception {
        write(CONTEXT + "/inventory/warehouse", "east");
        await().atMost(Duration.ofSeconds(10)).until(() -> "east".equals(this.inventory.getWarehouse()));
        // What a full ContextRefresher.refresh() does: reload the context into a new source under the same name.
        MutablePropertySources sources = ((ConfigurableEnvironment) this.environment).getPropertySources();
        PropertySource<?> live = sources.stream()
                .filter((source) -> source instanceof AbstractZookeeperPropertySource zookeeper
                        && zookeeper.getContext().equals(CONTEXT))
                .findFirst().orElseThrow();
        sources.replace(live.getName(), new ZookeeperPropertySource(live.getName(), writer));

        write(CONTEXT + "/inventory/warehouse", "west");

        await().atMost(Duration.ofSeconds(10)).until(() -> "west".equals(this.inventory.getWarehouse()));
        assertThat(this.environment.getProperty("inventory.warehouse")).isEqualTo("west");
    }

    @Test
    void appliedChangeRefreshesRefreshScopeBeans() throws Exception {
        assertThat(this.greeting.text()).isEqualTo("hello");
        int created = Greeting.created.get();

        write(CONTEXT + "/greeting/text", "bonjour");

        await().atMost(Duration.ofSeconds(10)).until(() -> "bonjour".equals(this.greeting.text()));
        // Created again by the refresh; once per refresh that applied a key (the write creates the parent
        // znode /greeting and then /greeting/text: with the leading edge these may be two refreshes).
        assertThat(Greeting.created.get()).isGreaterThan(created);
        int recreated = Greeting.created.get();
        this.greeting.text();
        assertThat(Greeting.created.get()).as("not recreated without a refresh").isEqualTo(recreated);
    }

    @Test
    void rejectedSensitiveValueIsMasked() throws Exception {
        this.recorder.rejections.clear();

        write(CONTEXT + "/payments/password", "short");

        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(this.recorder.rejections)
                .singleElement().satisfies((event) -> {
                    assertThat(event.getKey()).isEqualTo("payments.password");
                    assertThat(event.getValue()).isEqualTo("******");
                    assertThat(event.getReason()).contains("password");
                }));
        assertThat(this.payments.getPassword()).isEqualTo("a-long-secret");
        assertThat(this.endpoint.section("config").toString()).doesNotContain("short");

        write(CONTEXT + "/payments/password", "another-long-secret");
        await().atMost(Duration.ofSeconds(10))
                .until(() -> "another-long-secret".equals(this.payments.getPassword()));
    }

    private double counter(String outcome) {
        Counter counter = this.meters.find("meshkeeper.config.changes").tag("outcome", outcome).counter();
        return (counter != null) ? counter.count() : 0;
    }

    static void write(String path, String value) throws Exception {
        byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
        if (writer.checkExists().forPath(path) == null) {
            writer.create().creatingParentsIfNeeded().forPath(path, bytes);
        }
        else {
            writer.setData().forPath(path, bytes);
        }
    }

    @Configuration(proxyBeanMethods = false)
    @EnableAutoConfiguration
    @EnableConfigurationProperties({ OrdersTestProperties.class, InventoryTestProperties.class,
            SecureTestProperties.class })
    static class App {

        @Bean
        Recorder recorder() {
            return new Recorder();
        }

        @Bean
        @RefreshScope
        Greeting greeting(@Value("${greeting.text:hello}") String text) {
            return new Greeting(text);
        }
    }

    static class Greeting {

        static final AtomicInteger created = new AtomicInteger();

        private final String text;

        Greeting(String text) {
            this.text = text;
            created.incrementAndGet();
        }

        String text() {
            return this.text;
        }
    }

    static class Recorder {

        final List<List<String>> changes = new CopyOnWriteArrayList<>();

        final List<ConfigRejectedEvent> rejections = new CopyOnWriteArrayList<>();

        final AtomicInteger scopeRefreshes = new AtomicInteger();

        @EventListener
        void on(RefreshScopeRefreshedEvent event) {
            this.scopeRefreshes.incrementAndGet();
        }

        @EventListener
        void on(EnvironmentChangeEvent event) {
            this.changes.add(List.copyOf(event.getKeys()));
        }

        @EventListener
        void on(ConfigRejectedEvent event) {
            this.rejections.add(event);
        }
    }
}
