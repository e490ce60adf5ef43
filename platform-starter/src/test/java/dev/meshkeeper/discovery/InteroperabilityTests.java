package dev.meshkeeper.discovery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.meshkeeper.registry.junit.EmbeddedRegistry;
import dev.meshkeeper.registry.junit.RegistryHandle;
import dev.meshkeeper.testapps.MeshApps;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.RetryOneTime;
import org.apache.curator.x.discovery.ServiceDiscovery;
import org.apache.curator.x.discovery.ServiceDiscoveryBuilder;
import org.apache.curator.x.discovery.ServiceInstance;
import org.apache.curator.x.discovery.details.JsonInstanceSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.cloud.client.discovery.DiscoveryClient;
import org.springframework.cloud.zookeeper.discovery.ZookeeperDiscoveryClient;
import org.springframework.cloud.zookeeper.discovery.ZookeeperInstance;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.web.client.RestClient;

/** What Meshkeeper writes, plain Spring Cloud Zookeeper and Curator read, and the other way round. */
@EmbeddedRegistry
@Timeout(240)
class InteroperabilityTests {

    private final List<ConfigurableApplicationContext> contexts = new CopyOnWriteArrayList<>();

    @AfterEach
    void close() {
        this.contexts.forEach(ConfigurableApplicationContext::close);
    }

    @Test
    void plainSpringCloudZookeeperApplicationDiscoversOurInstances(RegistryHandle registry) {
        ConfigurableApplicationContext ours = start(MeshApps.provider(registry.connectString(), "ours-for-plain",
                "meshkeeper.discovery.zone=zone-p"));
        ConfigurableApplicationContext plain = start(MeshApps.consumer(registry.connectString(), "plain-reader",
                "meshkeeper.enabled=false"));
        DiscoveryClient plainDiscovery = plain.getBean(DiscoveryClient.class);
        assertThat(plain.getBeansOfType(WatchedInstances.class)).isEmpty();

        await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> assertThat(
                plainDiscovery.getInstances("ours-for-plain")).singleElement().satisfies(instance -> {
                    assertThat(instance.getInstanceId()).isEqualTo(MeshApps.instanceId(ours));
                    assertThat(instance.getHost()).isEqualTo("127.0.0.1");
                    assertThat(instance.getPort()).isEqualTo(port(ours));
                    assertThat(instance.getMetadata()).containsEntry("zone", "zone-p").containsEntry("instance_status",
                            "UP");
                }));
        assertThat(plainDiscovery.getServices()).contains("ours-for-plain");
    }

    @Test
    void weDiscoverAndCallAPlainSpringCloudZookeeperApplication(RegistryHandle registry) {
        ConfigurableApplicationContext plain = start(MeshApps.provider(registry.connectString(), "plain-provider",
                "meshkeeper.enabled=false"));
        ConfigurableApplicationContext ours = start(MeshApps.consumer(registry.connectString(), "ours-reader"));
        String plainId = MeshApps.instanceId(plain);
        assertThat(plain.getBeansOfType(InstanceRegistration.class)).isEmpty();

        DiscoveryClient discovery = ours.getBean(DiscoveryClient.class);
        assertThat(ours.getBean(ZookeeperDiscoveryClient.class)).isInstanceOf(WatchedDiscoveryClient.class);
        await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> assertThat(discovery.getInstances("plain-provider"))
                .singleElement().satisfies(instance -> {
                    assertThat(instance.getInstanceId()).isEqualTo(plainId);
                    assertThat(instance.getPort()).isEqualTo(port(plain));
                }));
        RestClient client = ours.getBean(RestClient.Builder.class).build();
        assertThat(client.get().uri("http://plain-provider/whoami").retrieve().body(String.class)).isEqualTo(plainId);
    }

    @Test
    void curatorServiceDiscoveryReadsOurRegistrations(RegistryHandle registry) throws Exception {
        ConfigurableApplicationContext ours = start(MeshApps.provider(registry.connectString(), "ours-for-curator",
                "meshkeeper.discovery.zone=zone-c", "meshkeeper.discovery.weight=4"));
        String id = MeshApps.instanceId(ours);
        try (CuratorFramework curator = CuratorFrameworkFactory.newClient(registry.connectString(),
                new RetryOneTime(100))) {
            curator.start();
            ServiceDiscovery<ZookeeperInstance> discovery = ServiceDiscoveryBuilder.builder(ZookeeperInstance.class)
                    .client(curator).basePath("/services")
                    .serializer(new JsonInstanceSerializer<>(ZookeeperInstance.class)).build();
            discovery.start();
            await().atMost(Duration.ofSeconds(15))
                    .until(() -> discovery.queryForInstance("ours-for-curator", id) != null);
            ServiceInstance<ZookeeperInstance> instance = discovery.queryForInstance("ours-for-curator", id);
            assertThat(instance.getAddress()).isEqualTo("127.0.0.1");
            assertThat(instance.getPort()).isEqualTo(port(ours));
            assertThat(instance.buildUriSpec()).isEqualTo("http://127.0.0.1:" + port(ours));
            assertThat(instance.getPayload().getName()).isEqualTo("ours-for-curator");
            assertThat(instance.getPayload().getMetadata()).containsEntry("zone", "zone-c")
                    .containsEntry("weight", "4").containsEntry("instance_status", "UP");
            assertThat(discovery.queryForNames()).contains("ours-for-curator");
            discovery.close();
        }
    }

    private static int port(ConfigurableApplicationContext context) {
        return ((WebServerApplicationContext) context).getWebServer().getPort();
    }

    private ConfigurableApplicationContext start(ConfigurableApplicationContext context) {
        this.contexts.add(context);
        return context;
    }
}
