package dev.meshkeeper.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.meshkeeper.discovery.InstanceRegistration;
import dev.meshkeeper.registry.junit.EmbeddedRegistry;
import dev.meshkeeper.registry.junit.RegistryHandle;
import dev.meshkeeper.testapps.MeshApps;
import dev.meshkeeper.zookeeper.ZooKeeperConnectionMonitor;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.RetryOneTime;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.client.RestClient;

/**
 * While ZooKeeper is away the load is not written (the header goes on), and once the connection is back the current
 * load reaches the registration node.
 */
@EmbeddedRegistry(dedicated = true)
@Timeout(120)
class LoadPublishingDuringOutageTests {

    private static final String SERVICE = "load-outage";

    static final CountDownLatch release = new CountDownLatch(1);

    @Test
    void loadChangedDuringAnOutageIsWrittenOnReconnection(RegistryHandle registry) throws Exception {
        try (ConfigurableApplicationContext provider = MeshApps.providerApp(registry.connectString(), SERVICE)
                .with(Hold.class).run("--spring.cloud.zookeeper.session-timeout=30s", "--meshkeeper.load.capacity=2");
                CuratorFramework reader = CuratorFrameworkFactory.newClient(registry.connectString(),
                        new RetryOneTime(100))) {
            reader.start();
            String path = "/services/" + SERVICE + "/" + provider.getBean(InstanceRegistration.class).instanceId();
            await().atMost(Duration.ofSeconds(30)).ignoreExceptions()
                    .until(() -> node(reader, path).contains("\"load\":\"0.00\""));

            ZooKeeperConnectionMonitor monitor = provider.getBean(ZooKeeperConnectionMonitor.class);
            registry.stop();
            await().atMost(Duration.ofSeconds(15)).until(() -> !monitor.isConnected());
            String port = provider.getEnvironment().getProperty("local.server.port");
            CompletableFuture<String> held = CompletableFuture.supplyAsync(() -> RestClient.create().get()
                    .uri("http://127.0.0.1:" + port + "/hold").retrieve().body(String.class));
            // The header is independent of ZooKeeper: once the held request is in, a second one sees both in
            // flight, 2 of capacity 2.
            await().atMost(Duration.ofSeconds(10)).until(() -> "1.00".equals(RestClient.create().get()
                    .uri("http://127.0.0.1:" + port + "/now").retrieve().toEntity(String.class).getHeaders()
                    .getFirst(LoadFigure.HEADER)));
            assertThat(provider.getBean(InstanceRegistration.class).metadata()).containsEntry("load", "0.00");

            registry.start();
            await().atMost(Duration.ofSeconds(30)).ignoreExceptions()
                    .until(() -> node(reader, path).contains("\"load\":\"0.50\""));
            release.countDown();
            assertThat(held.get(30, TimeUnit.SECONDS)).isEqualTo("released");
        }
        finally {
            release.countDown();
        }
    }

    private static String node(CuratorFramework reader, String path) throws Exception {
        return new String(reader.getData().forPath(path), StandardCharsets.UTF_8);
    }

    @RestController
    static class Hold {

        @GetMapping("/hold")
        String hold() throws InterruptedException {
            return release.await(60, TimeUnit.SECONDS) ? "released" : "timed out";
        }

        @GetMapping("/now")
        String now() {
            return "now";
        }
    }
}
