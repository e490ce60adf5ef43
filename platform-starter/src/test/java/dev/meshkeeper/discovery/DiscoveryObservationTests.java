package dev.meshkeeper.discovery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.meshkeeper.registry.junit.EmbeddedRegistry;
import dev.meshkeeper.registry.junit.RegistryHandle;
import io.micrometer.observation.tck.TestObservationRegistry;
import io.micrometer.observation.tck.TestObservationRegistryAssert;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.RetryOneTime;
import org.apache.curator.x.discovery.ServiceDiscovery;
import org.apache.curator.x.discovery.ServiceDiscoveryBuilder;
import org.apache.curator.x.discovery.ServiceInstance;
import org.apache.curator.x.discovery.UriSpec;
import org.apache.curator.x.discovery.details.JsonInstanceSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.springframework.cloud.zookeeper.discovery.ZookeeperInstance;

/**
 * An instance that joins, changes status or leaves a watched service is one {@code meshkeeper.discovery.change}
 * observation, by service and kind; the instance id is a high-cardinality value only.
 */
@EmbeddedRegistry
@Timeout(60)
class DiscoveryObservationTests {

    private static final String ROOT = "/observed-services";

    private final TestObservationRegistry observations = TestObservationRegistry.create();

    private CuratorFramework curator;

    private ServiceDiscovery<ZookeeperInstance> discovery;

    private WatchedInstances instances;

    private DiscoveryObservations observed;

    @BeforeEach
    void connect(RegistryHandle registry) {
        this.curator = CuratorFrameworkFactory.newClient(registry.connectString(), new RetryOneTime(100));
        this.curator.start();
        JsonInstanceSerializer<ZookeeperInstance> serializer = new JsonInstanceSerializer<>(ZookeeperInstance.class);
        this.discovery = ServiceDiscoveryBuilder.builder(ZookeeperInstance.class).client(this.curator).basePath(ROOT)
                .serializer(serializer).build();
        this.instances = new WatchedInstances(this.curator, ROOT, serializer, Duration.ofSeconds(10));
        this.observed = new DiscoveryObservations(this.instances, this.observations);
    }

    @AfterEach
    void close() throws Exception {
        this.observed.destroy();
        this.instances.close();
        this.discovery.close();
        this.curator.close();
    }

    @Test
    void instancesJoiningChangingStatusAndLeavingAreEachObservedByServiceAndKind() throws Exception {
        register("orders", "orders-1", 8101, "UP");
        assertThat(this.instances.allInstances("orders")).hasSize(1);
        TestObservationRegistryAssert.assertThat(this.observations).doesNotHaveAnyObservation();

        ServiceInstance<ZookeeperInstance> joined = register("orders", "orders-2", 8102, "UP");
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> TestObservationRegistryAssert
                .assertThat(this.observations).hasAnObservation(observation -> observation
                        .hasNameEqualTo("meshkeeper.discovery.change").hasLowCardinalityKeyValue("service", "orders")
                        .hasLowCardinalityKeyValue("kind", "added")
                        .hasHighCardinalityKeyValue("instance.id", "orders-2")
                        .hasHighCardinalityKeyValue("instance.status", "UP")
                        .doesNotHaveLowCardinalityKeyValueWithKey("instance.id")));

        joined.getPayload().getMetadata().put(WatchedInstances.STATUS_KEY, "OUT_OF_SERVICE");
        this.discovery.updateService(joined);
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> TestObservationRegistryAssert
                .assertThat(this.observations).hasAnObservation(observation -> observation
                        .hasLowCardinalityKeyValue("kind", "status")
                        .hasHighCardinalityKeyValue("instance.id", "orders-2")
                        .hasHighCardinalityKeyValue("instance.status", "OUT_OF_SERVICE")));

        this.discovery.unregisterService(joined);
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> TestObservationRegistryAssert
                .assertThat(this.observations).hasAnObservation(observation -> observation
                        .hasLowCardinalityKeyValue("service", "orders").hasLowCardinalityKeyValue("kind", "removed")
                        .hasHighCardinalityKeyValue("instance.id", "orders-2")));

        // The instance that was there when the watch started was never a change.
        TestObservationRegistryAssert.assertThat(this.observations)
                .hasNumberOfObservationsWithNameEqualTo("meshkeeper.discovery.change", 3)
                .forAllObservationsWithNameEqualTo("meshkeeper.discovery.change", observation -> observation
                        .doesNotHaveHighCardinalityKeyValue("instance.id", "orders-1"));
    }

    @Test
    void aMetadataChangeOtherThanTheStatusIsNotObserved() throws Exception {
        ServiceInstance<ZookeeperInstance> instance = register("billing", "billing-1", 8111, "UP");
        assertThat(this.instances.allInstances("billing")).hasSize(1);
        instance.getPayload().getMetadata().put("zone", "eu-2");
        this.discovery.updateService(instance);
        await().atMost(Duration.ofSeconds(10)).until(() -> "eu-2"
                .equals(this.instances.allInstances("billing").get(0).getMetadata().get("zone")));
        register("billing", "billing-2", 8112, "UP");
        await().atMost(Duration.ofSeconds(10))
                .untilAsserted(() -> TestObservationRegistryAssert.assertThat(this.observations)
                        .hasNumberOfObservationsWithNameEqualTo("meshkeeper.discovery.change", 1)
                        .hasAnObservation(observation -> observation.hasLowCardinalityKeyValue("kind", "added")));
    }

    private ServiceInstance<ZookeeperInstance> register(String service, String id, int port, String status)
            throws Exception {
        Map<String, String> metadata = new HashMap<>();
        metadata.put(WatchedInstances.STATUS_KEY, status);
        ServiceInstance<ZookeeperInstance> instance = ServiceInstance.<ZookeeperInstance>builder().name(service)
                .id(id).address("127.0.0.1").port(port).uriSpec(new UriSpec("{scheme}://{address}:{port}"))
                .payload(new ZookeeperInstance(id, service, metadata)).build();
        this.discovery.registerService(instance);
        return instance;
    }
}
