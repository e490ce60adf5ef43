package dev.meshkeeper.discovery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.awaitility.Awaitility.await;

import dev.meshkeeper.actuate.MeshkeeperEndpoint;
import dev.meshkeeper.registry.junit.EmbeddedRegistry;
import dev.meshkeeper.registry.junit.RegistryHandle;
import dev.meshkeeper.testapps.MeshApps;
import dev.meshkeeper.testapps.SwitchableHealth;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.RetryOneTime;
import org.apache.curator.x.discovery.ServiceInstance;
import org.apache.zookeeper.data.Stat;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.springframework.boot.availability.AvailabilityChangeEvent;
import org.springframework.boot.availability.ReadinessState;
import org.springframework.cloud.client.discovery.DiscoveryClient;
import org.springframework.cloud.zookeeper.discovery.ZookeeperInstance;
import org.springframework.context.ConfigurableApplicationContext;

@EmbeddedRegistry
@Timeout(240)
class InstanceRegistrationTests {

    private final List<ConfigurableApplicationContext> contexts = new CopyOnWriteArrayList<>();

    private CuratorFramework curator;

    @BeforeEach
    void connect(RegistryHandle registry) throws Exception {
        this.curator = CuratorFrameworkFactory.newClient(registry.connectString(), new RetryOneTime(100));
        this.curator.start();
        this.curator.blockUntilConnected();
    }

    @AfterEach
    void close() {
        this.contexts.forEach(ConfigurableApplicationContext::close);
        this.curator.close();
    }

    @Test
    void readinessDrivesTheStatusBothWays(RegistryHandle registry) throws Exception {
        ConfigurableApplicationContext provider = start(MeshApps.provider(registry.connectString(), "ready-provider"));
        String id = MeshApps.instanceId(provider);
        awaitStatus("ready-provider", id, "UP");

        AvailabilityChangeEvent.publish(provider, ReadinessState.REFUSING_TRAFFIC);
        awaitStatus("ready-provider", id, "OUT_OF_SERVICE");
        assertThat(provider.getBean(InstanceRegistration.class).status()).isEqualTo("OUT_OF_SERVICE");

        AvailabilityChangeEvent.publish(provider, ReadinessState.ACCEPTING_TRAFFIC);
        awaitStatus("ready-provider", id, "UP");
    }

    @Test
    void initialOutOfServiceStatusIsKeptWhenTheApplicationBecomesReady(RegistryHandle registry) throws Exception {
        ConfigurableApplicationContext provider = start(MeshApps.provider(registry.connectString(), "initial-provider",
                "spring.cloud.zookeeper.discovery.initial-status=OUT_OF_SERVICE"));
        String id = MeshApps.instanceId(provider);
        // run() returned after the ready event, whose handling is synchronous.
        assertThat(MeshApps.node(this.curator, "initial-provider", id).getPayload().getMetadata())
                .containsEntry(WatchedInstances.STATUS_KEY, "OUT_OF_SERVICE");

        provider.getBean(InstanceRegistration.class).markUp();
        awaitStatus("initial-provider", id, "UP");
    }

    @Test
    void statusAnOperatorWritesIsFollowedAndNotWrittenBack(RegistryHandle registry) throws Exception {
        ConfigurableApplicationContext provider = start(MeshApps.provider(registry.connectString(), "operated"));
        String id = MeshApps.instanceId(provider);
        InstanceRegistration registration = provider.getBean(InstanceRegistration.class);
        awaitStatus("operated", id, "UP");

        ServiceInstance<ZookeeperInstance> node = MeshApps.node(this.curator, "operated", id);
        node.getPayload().getMetadata().put(WatchedInstances.STATUS_KEY, "OUT_OF_SERVICE");
        this.curator.setData().forPath("/services/operated/" + id,
                new org.apache.curator.x.discovery.details.JsonInstanceSerializer<>(ZookeeperInstance.class)
                        .serialize(node));

        await().atMost(Duration.ofSeconds(10)).until(() -> "OUT_OF_SERVICE".equals(registration.status()));
        Stat stat = this.curator.checkExists().forPath("/services/operated/" + id);
        assertThat(stat.getVersion()).as("node not rewritten by the instance").isEqualTo(1);
        assertThat(MeshApps.node(this.curator, "operated", id).getPayload().getMetadata())
                .containsEntry(WatchedInstances.STATUS_KEY, "OUT_OF_SERVICE");

        // The instance's own next change still applies.
        AvailabilityChangeEvent.publish(provider, ReadinessState.REFUSING_TRAFFIC);
        AvailabilityChangeEvent.publish(provider, ReadinessState.ACCEPTING_TRAFFIC);
        awaitStatus("operated", id, "UP");
    }

    @Test
    void unhealthyInstanceIsOutOfServiceWhenHealthDrivesStatus(RegistryHandle registry) throws Exception {
        ConfigurableApplicationContext provider = start(MeshApps.provider(registry.connectString(), "health-driven",
                "meshkeeper.discovery.health-drives-status=true", "meshkeeper.discovery.health-check-interval=100ms"));
        String id = MeshApps.instanceId(provider);
        SwitchableHealth health = provider.getBean(SwitchableHealth.class);
        awaitStatus("health-driven", id, "UP");

        health.set(false);
        awaitStatus("health-driven", id, "OUT_OF_SERVICE");
        health.set(true);
        awaitStatus("health-driven", id, "UP");
    }

    @Test
    void zoneWeightAndVersionAreRegisteredAndTheZoneIsTheBalancersZone(RegistryHandle registry) throws Exception {
        ConfigurableApplicationContext provider = start(MeshApps.provider(registry.connectString(), "enriched",
                "meshkeeper.discovery.zone=zone-b", "meshkeeper.discovery.weight=3",
                "meshkeeper.discovery.version=2.1.0", "spring.cloud.zookeeper.discovery.metadata.team=blue"));
        String id = MeshApps.instanceId(provider);
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(
                MeshApps.node(this.curator, "enriched", id).getPayload().getMetadata()).containsEntry("zone", "zone-b")
                .containsEntry("weight", "3").containsEntry("version", "2.1.0").containsEntry("team", "blue")
                .containsEntry(WatchedInstances.STATUS_KEY, "UP"));
        assertThat(provider.getEnvironment().getProperty("spring.cloud.loadbalancer.zone")).isEqualTo("zone-b");
    }

    @Test
    void runtimeMetadataUpdatesReachConsumers(RegistryHandle registry) throws Exception {
        ConfigurableApplicationContext provider = start(MeshApps.provider(registry.connectString(), "updated"));
        ConfigurableApplicationContext consumer = start(MeshApps.consumer(registry.connectString(), "updated-reader"));
        String id = MeshApps.instanceId(provider);
        DiscoveryClient discovery = consumer.getBean(DiscoveryClient.class);
        await().atMost(Duration.ofSeconds(10)).until(() -> discovery.getInstances("updated").size() == 1);

        provider.getBean(InstanceRegistration.class).updateMetadata(Map.of("color", "green", "weight", "5"));

        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(discovery.getInstances("updated"))
                .singleElement().satisfies(instance -> assertThat(instance.getMetadata())
                        .containsEntry("color", "green").containsEntry("weight", "5")));
        assertThat(discovery.getInstances("updated").get(0).getInstanceId()).isEqualTo(id);
    }

    @Test
    void invalidMetadataIsRejectedWhole(RegistryHandle registry) {
        ConfigurableApplicationContext provider = start(MeshApps.provider(registry.connectString(), "rejecting"));
        InstanceRegistration registration = provider.getBean(InstanceRegistration.class);
        Map<String, String> before = registration.metadata();

        assertThatIllegalArgumentException()
                .isThrownBy(() -> registration.updateMetadata(Map.of("color", "red", "weight", "heavy")))
                .withMessageContaining("'weight'").withMessageContaining("heavy");
        assertThatIllegalArgumentException()
                .isThrownBy(() -> registration.updateMetadata(Map.of(WatchedInstances.STATUS_KEY, "UP")))
                .withMessageContaining("setStatus");
        assertThat(registration.metadata()).isEqualTo(before);
    }

    @Test
    void reRegistersAfterSessionExpiryWithTheCurrentStatusAndMetadata(RegistryHandle registry) throws Exception {
        ConfigurableApplicationContext provider = start(MeshApps.provider(registry.connectString(), "expiring"));
        String id = MeshApps.instanceId(provider);
        InstanceRegistration registration = provider.getBean(InstanceRegistration.class);
        awaitStatus("expiring", id, "UP");
        registration.updateMetadata(Map.of("color", "amber"));
        registration.markOutOfService();
        awaitStatus("expiring", id, "OUT_OF_SERVICE");
        long oldSession = this.curator.checkExists().forPath("/services/expiring/" + id).getEphemeralOwner();

        registry.expireSession(provider.getBean(CuratorFramework.class).getZookeeperClient().getZooKeeper());

        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            Stat stat = this.curator.checkExists().forPath("/services/expiring/" + id);
            assertThat(stat).isNotNull();
            assertThat(stat.getEphemeralOwner()).isNotEqualTo(oldSession);
            assertThat(MeshApps.node(this.curator, "expiring", id).getPayload().getMetadata())
                    .containsEntry(WatchedInstances.STATUS_KEY, "OUT_OF_SERVICE").containsEntry("color", "amber");
        });
    }

    @Test
    void endpointAndGaugeDescribeTheInstanceAndTheWatchedServices(RegistryHandle registry) throws Exception {
        ConfigurableApplicationContext provider = start(MeshApps.provider(registry.connectString(), "observed",
                "meshkeeper.discovery.zone=zone-o"));
        String id = MeshApps.instanceId(provider);
        awaitStatus("observed", id, "UP");
        provider.getBean(DiscoveryClient.class).getInstances("observed");

        @SuppressWarnings("unchecked")
        Map<String, Object> section = (Map<String, Object>) provider.getBean(MeshkeeperEndpoint.class)
                .section("discovery");
        assertThat(section).extractingByKey("instance").asInstanceOf(
                org.assertj.core.api.InstanceOfAssertFactories.MAP).containsEntry("id", id)
                .containsEntry("status", "UP");
        assertThat(section.get("services").toString()).contains("observed").contains("instances=1");

        MeterRegistry meters = provider.getBean(MeterRegistry.class);
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(meters.get("meshkeeper.discovery.instances")
                .tag("service", "observed").tag("status", "UP").gauge().value()).isEqualTo(1.0));
        provider.getBean(InstanceRegistration.class).markOutOfService();
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(meters.get("meshkeeper.discovery.instances")
                .tag("service", "observed").tag("status", "OUT_OF_SERVICE").gauge().value()).isEqualTo(1.0));
    }

    private void awaitStatus(String service, String id, String status) {
        await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> {
            ServiceInstance<ZookeeperInstance> node = MeshApps.node(this.curator, service, id);
            assertThat(node).isNotNull();
            assertThat(node.getPayload().getMetadata()).containsEntry(WatchedInstances.STATUS_KEY, status);
        });
    }

    private ConfigurableApplicationContext start(ConfigurableApplicationContext context) {
        this.contexts.add(context);
        return context;
    }
}
