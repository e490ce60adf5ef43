package dev.meshkeeper.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.meshkeeper.registry.junit.EmbeddedRegistry;
import dev.meshkeeper.registry.junit.RegistryHandle;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.RetryOneTime;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.springframework.cloud.zookeeper.config.ZookeeperPropertySource;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.StandardEnvironment;

/** The live property sources and their watches, against a real ZooKeeper. */
@EmbeddedRegistry
@Timeout(60)
class WatchedContextsTests {

    private static final String CONTEXT = "/config/watched-contexts-test";

    private CuratorFramework curator;

    private WatchedContexts contexts;

    private final StandardEnvironment environment = new StandardEnvironment();

    @BeforeEach
    void connect(RegistryHandle registry) throws Exception {
        this.curator = CuratorFrameworkFactory.newClient(registry.connectString(), new RetryOneTime(100));
        this.curator.start();
        this.curator.blockUntilConnected();
        if (this.curator.checkExists().forPath(CONTEXT) != null) {
            this.curator.delete().deletingChildrenIfNeeded().forPath(CONTEXT);
        }
        write(CONTEXT + "/orders/max-quantity", "20");
    }

    @AfterEach
    void close() {
        if (this.contexts != null) {
            this.contexts.close();
        }
        this.curator.close();
    }

    @Test
    void loadedSourceIsReplacedInPlaceByALiveOneWithTheSameValues() {
        this.environment.getPropertySources().addFirst(new MapPropertySource("before", Map.of()));
        this.environment.getPropertySources().addAfter("before", new ZookeeperPropertySource(CONTEXT, this.curator));

        this.contexts = WatchedContexts.attach(this.environment, this.curator);

        assertThat(this.contexts.all()).singleElement().satisfies((context) -> {
            assertThat(context.path()).isEqualTo(CONTEXT);
            assertThat(this.environment.getPropertySources().get(CONTEXT)).isSameAs(context.source());
        });
        assertThat(this.environment.getPropertySources().precedenceOf(this.contexts.all().get(0).source()))
                .isEqualTo(1);
        assertThat(this.environment.getProperty("orders.max-quantity")).isEqualTo("20");
    }

    @Test
    void watchTellsOfTheFirstReadAndOfEveryChangeAndReadsBothKeyForms() throws Exception {
        this.environment.getPropertySources().addFirst(new ZookeeperPropertySource(CONTEXT, this.curator));
        this.contexts = WatchedContexts.attach(this.environment, this.curator);
        WatchedContext context = this.contexts.all().get(0);
        AtomicInteger notified = new AtomicInteger();

        this.contexts.start(notified::incrementAndGet);

        await().atMost(Duration.ofSeconds(10)).until(context::isInitialized);
        assertThat(notified.get()).isPositive();
        int before = notified.get();
        write(CONTEXT + "/orders.express-shipping", "true");
        await().atMost(Duration.ofSeconds(10)).until(() -> notified.get() > before);
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(context.read()).containsOnly(
                Map.entry("orders.max-quantity", "20"), Map.entry("orders.express-shipping", "true")));
        assertThat(this.environment.getProperty("orders.express-shipping")).as("the watch applies nothing").isNull();

        context.apply(context.read(), Instant.parse("2026-01-01T00:00:00Z"));

        assertThat(this.environment.getProperty("orders.express-shipping")).isEqualTo("true");
        assertThat(context.describe()).containsEntry("context", CONTEXT).containsEntry("watching", true)
                .containsEntry("keys", 2).containsEntry("lastAppliedAt", Instant.parse("2026-01-01T00:00:00Z"))
                .hasEntrySatisfying("lastAppliedVersion", (version) -> assertThat((Long) version).isPositive());
    }

    @Test
    void reloadedSourceGivesItsValuesToTheLiveOneWhichTakesItsPlaceAgain() throws Exception {
        this.environment.getPropertySources().addFirst(new ZookeeperPropertySource(CONTEXT, this.curator));
        this.contexts = WatchedContexts.attach(this.environment, this.curator);
        LiveZookeeperPropertySource live = this.contexts.all().get(0).source();
        write(CONTEXT + "/orders/max-quantity", "25");
        this.environment.getPropertySources().replace(CONTEXT, new ZookeeperPropertySource(CONTEXT, this.curator));

        this.contexts.adoptReloadedSources();

        assertThat(this.environment.getPropertySources().get(CONTEXT)).isSameAs(live);
        assertThat(live.values()).containsEntry("orders.max-quantity", "25");
    }

    @Test
    void withoutLoadedContextsNothingIsWatchedUnlessZooKeeperConfigIsImported() {
        this.contexts = WatchedContexts.attach(this.environment, this.curator);
        assertThat(this.contexts.all()).isEmpty();

        this.environment.getPropertySources().addFirst(new MapPropertySource("args",
                Map.of("spring.config.import", "optional:zookeeper:", "spring.application.name", "absent-app")));
        WatchedContexts absent = WatchedContexts.attach(this.environment, this.curator);
        assertThat(absent.all()).extracting(WatchedContext::path).contains("/config/absent-app",
                "/config/application");
        absent.close();
    }

    private void write(String path, String value) throws Exception {
        byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
        if (this.curator.checkExists().forPath(path) == null) {
            this.curator.create().creatingParentsIfNeeded().forPath(path, bytes);
        }
        else {
            this.curator.setData().forPath(path, bytes);
        }
    }
}
