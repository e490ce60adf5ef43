package dev.meshkeeper.discovery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.meshkeeper.registry.junit.EmbeddedRegistry;
import dev.meshkeeper.registry.junit.RegistryHandle;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.RetryOneTime;
import org.apache.curator.x.discovery.ServiceDiscovery;
import org.apache.curator.x.discovery.ServiceDiscoveryBuilder;
import org.apache.curator.x.discovery.ServiceInstance;
import org.apache.curator.x.discovery.UriSpec;
import org.apache.curator.x.discovery.details.JsonInstanceSerializer;
import org.apache.zookeeper.Watcher;
import org.apache.zookeeper.ZooKeeper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.slf4j.LoggerFactory;
import org.springframework.cloud.zookeeper.discovery.ZookeeperInstance;

@EmbeddedRegistry
@Timeout(120)
class WatchedInstancesTests {

    private static final String ROOT = "/watched-services";

    private CuratorFramework curator;

    private ServiceDiscovery<ZookeeperInstance> discovery;

    private WatchedInstances instances;

    private final ListAppender<ILoggingEvent> logs = new ListAppender<>();

    @BeforeEach
    void connect(RegistryHandle registry) throws Exception {
        this.curator = CuratorFrameworkFactory.newClient(registry.connectString(), new RetryOneTime(100));
        this.curator.start();
        JsonInstanceSerializer<ZookeeperInstance> serializer = new JsonInstanceSerializer<>(ZookeeperInstance.class);
        this.discovery = ServiceDiscoveryBuilder.builder(ZookeeperInstance.class).client(this.curator).basePath(ROOT)
                .serializer(serializer).build();
        // Not started: a started ServiceDiscovery re-creates its instances' nodes when its connection event
        // arrives, which would race the lookups under test.
        this.instances = new WatchedInstances(this.curator, ROOT, serializer, Duration.ofSeconds(10));
        this.logs.start();
        ((Logger) LoggerFactory.getLogger(WatchedInstances.class)).addAppender(this.logs);
    }

    @AfterEach
    void close() throws Exception {
        ((Logger) LoggerFactory.getLogger(WatchedInstances.class)).detachAppender(this.logs);
        this.instances.close();
        this.discovery.close();
        this.curator.close();
    }

    @Test
    void firstLookupLoadsTheRegisteredInstances() throws Exception {
        register("loaded", "loaded-1", 8001, "UP");
        register("loaded", "loaded-2", 8002, "UP");
        assertThat(this.instances.instances("loaded")).extracting(org.springframework.cloud.client.ServiceInstance::getInstanceId)
                .containsExactly("loaded-1", "loaded-2");
    }

    @Test
    void joiningAndLeavingInstancesAreSeenThroughTheWatch() throws Exception {
        assertThat(this.instances.instances("joining")).isEmpty();
        ServiceInstance<ZookeeperInstance> joined = register("joining", "joining-1", 8011, "UP");
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(this.instances.instances("joining"))
                .singleElement().satisfies(instance -> {
                    assertThat(instance.getHost()).isEqualTo("127.0.0.1");
                    assertThat(instance.getPort()).isEqualTo(8011);
                }));
        this.discovery.unregisterService(joined);
        await().atMost(Duration.ofSeconds(10)).until(() -> this.instances.allInstances("joining").isEmpty());
    }

    @Test
    void onlyUpInstancesAreReturnedButAllAreKnown() throws Exception {
        register("statuses", "statuses-up", 8021, "UP");
        register("statuses", "statuses-oos", 8022, "OUT_OF_SERVICE");
        register("statuses", "statuses-none", 8023, null);
        assertThat(this.instances.instances("statuses")).extracting(org.springframework.cloud.client.ServiceInstance::getInstanceId)
                .containsExactly("statuses-none", "statuses-up");
        assertThat(this.instances.allInstances("statuses")).hasSize(3);
    }

    @Test
    void statusChangesAreSeenAndHeardByListeners() throws Exception {
        ServiceInstance<ZookeeperInstance> instance = register("heard", "heard-1", 8031, "UP");
        assertThat(this.instances.instances("heard")).hasSize(1);
        List<String> heard = new CopyOnWriteArrayList<>();
        this.instances.addListener((serviceId, all) -> heard.add(serviceId + ":" + all.size() + ":"
                + all.stream().filter(WatchedInstances::isUp).count()));
        instance.getPayload().getMetadata().put(WatchedInstances.STATUS_KEY, "OUT_OF_SERVICE");
        this.discovery.updateService(instance);
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(heard).contains("heard:1:0"));
        assertThat(this.instances.instances("heard")).isEmpty();
    }

    @Test
    void malformedAndForeignRegistrationsAreSkippedWithOneWarningEach() throws Exception {
        register("mixed", "mixed-good", 8041, "UP");
        String badJson = ROOT + "/mixed/bad-json";
        String noPort = ROOT + "/mixed/no-port";
        this.curator.create().forPath(badJson, "{not json".getBytes(StandardCharsets.UTF_8));
        this.curator.create().forPath(noPort, ("{\"name\":\"mixed\",\"id\":\"no-port\",\"address\":\"127.0.0.1\","
                + "\"payload\":{\"@class\":\"org.springframework.cloud.zookeeper.discovery.ZookeeperInstance\","
                + "\"id\":\"x\",\"name\":\"mixed\",\"metadata\":{}}}").getBytes(StandardCharsets.UTF_8));
        register("mixed", "mixed-extra-metadata", 8042, "UP", Map.of("some.unknown-key", "kept"));

        assertThat(this.instances.instances("mixed")).extracting(org.springframework.cloud.client.ServiceInstance::getInstanceId)
                .containsExactly("mixed-extra-metadata", "mixed-good");
        assertThat(this.instances.instances("mixed").get(0).getMetadata()).containsEntry("some.unknown-key", "kept");

        // The same broken content written again is not a new problem.
        this.curator.setData().forPath(badJson, "{not json".getBytes(StandardCharsets.UTF_8));
        register("mixed", "mixed-later", 8043, "UP");
        await().atMost(Duration.ofSeconds(10)).until(() -> this.instances.instances("mixed").size() == 3);

        assertThat(warnings()).filteredOn(message -> message.contains(badJson)).hasSize(1);
        assertThat(warnings()).filteredOn(message -> message.contains(noPort)).singleElement().asString()
                .contains("no port");
    }

    @Test
    void servicesListFollowsTheRoot() throws Exception {
        register("listed-a", "listed-a-1", 8051, "UP");
        assertThat(this.instances.services()).contains("listed-a");
        register("listed-b", "listed-b-1", 8052, "UP");
        await().atMost(Duration.ofSeconds(10)).until(() -> this.instances.services().contains("listed-b"));
    }

    @Test
    void lastKnownInstancesStayThroughAConnectionCutAndChangesArriveAfterIt(RegistryHandle registry) throws Exception {
        register("cut", "cut-1", 8071, "UP");
        assertThat(this.instances.instances("cut")).hasSize(1);
        registry.cutConnection(this.curator.getZookeeperClient().getZooKeeper());
        assertThat(this.instances.instances("cut")).hasSize(1);
        await().atMost(Duration.ofSeconds(20)).until(() -> this.curator.getZookeeperClient().isConnected());
        register("cut", "cut-2", 8072, "UP");
        await().atMost(Duration.ofSeconds(20)).until(() -> this.instances.instances("cut").size() == 2);
    }

    @Test
    void changesMissedWhileTheWatchWasAwayAreReadWhenTheConnectionReturns(RegistryHandle registry) throws Exception {
        register("away", "away-1", 8081, "UP");
        ServiceInstance<ZookeeperInstance> recreated = register("away", "away-2", 8082, "UP");
        register("away", "away-3", 8083, "UP");
        assertThat(this.instances.instances("away")).hasSize(3);
        // The server forgets this session's watch on the service, as it would while the connection is away.
        ZooKeeper zooKeeper = this.curator.getZookeeperClient().getZooKeeper();
        zooKeeper.removeAllWatches(ROOT + "/away", Watcher.WatcherType.Any, false);
        this.curator.delete().forPath(ROOT + "/away/away-1");
        // Deleted and created again: the same data version as before, other content.
        this.discovery.unregisterService(recreated);
        register("away", "away-2", 9082, "UP");
        register("away", "away-4", 8084, "UP");

        registry.cutConnection(zooKeeper);
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(this.instances.instances("away"))
                .extracting((instance) -> instance.getInstanceId() + ":" + instance.getPort())
                .containsExactly("away-2:9082", "away-3:8083", "away-4:8084"));
    }

    @Test
    void closedCacheAnswersEmpty() throws Exception {
        register("closing", "closing-1", 8061, "UP");
        assertThat(this.instances.instances("closing")).hasSize(1);
        this.instances.close();
        assertThat(this.instances.instances("closing")).isEmpty();
    }

    private List<String> warnings() {
        return this.logs.list.stream().filter(event -> event.getLevel() == Level.WARN)
                .map(ILoggingEvent::getFormattedMessage).toList();
    }

    private ServiceInstance<ZookeeperInstance> register(String service, String id, int port, String status)
            throws Exception {
        return register(service, id, port, status, Map.of());
    }

    private ServiceInstance<ZookeeperInstance> register(String service, String id, int port, String status,
            Map<String, String> extra) throws Exception {
        Map<String, String> metadata = new HashMap<>(extra);
        if (status != null) {
            metadata.put(WatchedInstances.STATUS_KEY, status);
        }
        ServiceInstance<ZookeeperInstance> instance = ServiceInstance.<ZookeeperInstance>builder().name(service)
                .id(id).address("127.0.0.1").port(port).uriSpec(new UriSpec("{scheme}://{address}:{port}"))
                .payload(new ZookeeperInstance(id, service, metadata)).build();
        this.discovery.registerService(instance);
        return instance;
    }
}
