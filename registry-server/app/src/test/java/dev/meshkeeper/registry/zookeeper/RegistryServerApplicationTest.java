package dev.meshkeeper.registry.zookeeper;

import static org.assertj.core.api.Assertions.assertThat;

import dev.meshkeeper.registry.RegistryServerApplication;
import dev.meshkeeper.registry.TestRegistryProperties;
import dev.meshkeeper.registry.junit.FreePorts;
import dev.meshkeeper.registry.server.RegistryServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.Watcher.Event.KeeperState;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

@SpringBootTest(classes = RegistryServerApplication.class, webEnvironment = WebEnvironment.RANDOM_PORT)
@Timeout(60)
class RegistryServerApplicationTest {

    @TempDir
    static Path dataDir;

    static final int clientPort = FreePorts.take(1)[0];

    @DynamicPropertySource
    static void registry(DynamicPropertyRegistry registry) {
        TestRegistryProperties.server(registry, () -> clientPort, dataDir);
        TestRegistryProperties.user(registry, "ops", "operator");
    }

    @LocalServerPort
    int httpPort;

    @Autowired
    RegistryServer server;

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @Test
    void servesZooKeeperOnTheConfiguredClientPort() throws Exception {
        assertThat(this.server.connectString()).isEqualTo("127.0.0.1:" + clientPort);
        CountDownLatch connected = new CountDownLatch(1);
        ZooKeeper zk = new ZooKeeper(this.server.connectString(), 10_000, event -> {
            if (event.getState() == KeeperState.SyncConnected) {
                connected.countDown();
            }
        });
        try {
            assertThat(connected.await(15, TimeUnit.SECONDS)).isTrue();
            zk.create("/app-test", "hello".getBytes(StandardCharsets.UTF_8), ZooDefs.Ids.OPEN_ACL_UNSAFE,
                    CreateMode.PERSISTENT);
            assertThat(new String(zk.getData("/app-test", false, null), StandardCharsets.UTF_8)).isEqualTo("hello");
        }
        finally {
            zk.close();
        }
    }

    @Test
    void healthShowsTheZooKeeperServerWithoutCredentialsAndItsDetailsWithThem() throws Exception {
        HttpResponse<String> anonymous = get("/actuator/health");
        assertThat(anonymous.statusCode()).isEqualTo(200);
        assertThat(anonymous.body()).contains("\"zookeeperServer\":{\"status\":\"UP\"}");
        HttpResponse<String> operator = this.http.send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + this.httpPort + "/actuator/health"))
                .header("Authorization", "Basic " + java.util.Base64.getEncoder()
                        .encodeToString("ops:ops-pw".getBytes(StandardCharsets.UTF_8)))
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(operator.body()).contains("\"zookeeperServer\"").contains("\"role\":\"standalone\"")
                .contains("\"serving\":true").contains("\"clientPort\":" + clientPort);
    }

    @Test
    void prometheusShowsTheZooKeeperServersGauges() throws Exception {
        HttpResponse<String> response = get("/actuator/prometheus");
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).containsPattern("(?m)^zookeeper_server_znodes \\d+")
                .contains("zookeeper_server_watches").contains("zookeeper_server_connections")
                .contains("zookeeper_server_outstanding_requests").contains("zookeeper_server_request_latency_avg")
                .contains("zookeeper_server_request_latency_max").contains("zookeeper_server_data_size_bytes")
                .contains("zookeeper_server_role{role=\"standalone\"} 1.0");
    }

    @Test
    void infoIsOpen() throws Exception {
        assertThat(get("/actuator/info").statusCode()).isEqualTo(200);
    }

    private HttpResponse<String> get(String path) throws Exception {
        return this.http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + this.httpPort + path))
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    }
}
