package dev.meshkeeper.registry.zookeeper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.meshkeeper.registry.RegistryServerApplication;
import dev.meshkeeper.registry.TestRegistryProperties;
import dev.meshkeeper.registry.server.RegistryServer;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.Watcher.Event.KeeperState;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

@SpringBootTest(classes = RegistryServerApplication.class, webEnvironment = WebEnvironment.RANDOM_PORT)
@Timeout(90)
class ZooKeeperMetricsBridgeTest {

    private static final Logger logger = LoggerFactory.getLogger(ZooKeeperMetricsBridgeTest.class);

    /** The dashboard users import, next to docs/operations.md. */
    private static final Path DASHBOARD = Path.of("../../docs/grafana/meshkeeper-registry.json");

    private static final Set<String> PROMQL_WORDS = Set.of("by", "without", "on", "ignoring", "group_left",
            "group_right", "offset", "bool", "and", "or", "unless");

    @TempDir
    static Path dataDir;

    @DynamicPropertySource
    static void registry(DynamicPropertyRegistry registry) {
        TestRegistryProperties.server(registry, () -> 0, dataDir);
    }

    @LocalServerPort
    int httpPort;

    @Autowired
    RegistryServer server;

    @Autowired
    MeterRegistry meterRegistry;

    @Autowired
    ZooKeeperMetricsBridge bridge;

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @Test
    void zooKeepersOwnCountersGaugesAndLatencySummariesReachMicrometer() throws Exception {
        writeAndRead("/bridge-test", 20);

        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
            assertThat(gauge("zookeeper.znode_count")).isGreaterThanOrEqualTo(21);
            assertThat(gauge("zookeeper.packets_received")).isPositive();
            assertThat(gauge("zookeeper.num_alive_connections")).isNotNaN();
            DistributionSummary updates = this.meterRegistry.find("zookeeper.updatelatency").summary();
            assertThat(updates).isNotNull();
            assertThat(updates.count()).isGreaterThanOrEqualTo(20);
            assertThat(this.meterRegistry.find("zookeeper.readlatency").summary().count()).isPositive();
        });
        assertThat(this.meterRegistry.find("zookeeper.server.znodes").gauge()).isNotNull();
        Set<String> bridged = this.bridge.names();
        logger.info("{} ZooKeeper metrics bridged into Micrometer: {}", bridged.size(), bridged);
        assertThat(bridged).hasSizeGreaterThan(100).contains("znode_count", "packets_received", "updatelatency");
    }

    @Test
    void prometheusShowsZooKeepersOwnMetricsNextToTheServerGauges() throws Exception {
        writeAndRead("/bridge-prometheus", 3);

        String scrape = get("/actuator/prometheus");

        assertThat(scrape).containsPattern("(?m)^zookeeper_znode_count \\d+").contains("zookeeper_packets_received")
                .contains("zookeeper_updatelatency_count").contains("zookeeper_readlatency{quantile=\"0.99\"}")
                .containsPattern("(?m)^zookeeper_server_znodes \\d+");
    }

    @Test
    void grafanaDashboardParsesAndQueriesOnlyMetersTheRegistryExports() throws Exception {
        JsonNode dashboard = JsonMapper.builder().build().readTree(Files.readString(DASHBOARD));
        List<String> queries = new ArrayList<>();
        collectQueries(dashboard, queries);
        assertThat(dashboard.get("title").asString()).isNotBlank();
        assertThat(queries).isNotEmpty();
        writeAndRead("/bridge-dashboard", 3);
        String scrape = get("/actuator/prometheus");
        Set<String> names = new LinkedHashSet<>();
        queries.forEach((query) -> names.addAll(metricNames(query)));

        assertThat(names).isNotEmpty();
        for (String name : names) {
            assertThat(scrape).as("meter %s of the dashboard", name).containsPattern("(?m)^" + name + "[{ ]");
        }
    }

    private double gauge(String name) {
        Gauge gauge = this.meterRegistry.find(name).gauge();
        assertThat(gauge).as(name).isNotNull();
        return gauge.value();
    }

    private void writeAndRead(String root, int children) throws Exception {
        CountDownLatch connected = new CountDownLatch(1);
        ZooKeeper zk = new ZooKeeper(this.server.connectString(), 10_000, (event) -> {
            if (event.getState() == KeeperState.SyncConnected) {
                connected.countDown();
            }
        });
        try {
            assertThat(connected.await(15, TimeUnit.SECONDS)).isTrue();
            zk.create(root, new byte[0], ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
            for (int i = 0; i < children; i++) {
                zk.create(root + "/" + i, "v".getBytes(StandardCharsets.UTF_8), ZooDefs.Ids.OPEN_ACL_UNSAFE,
                        CreateMode.PERSISTENT);
                zk.getData(root + "/" + i, false, null);
            }
        }
        finally {
            zk.close();
        }
    }

    private static void collectQueries(JsonNode node, List<String> queries) {
        if (node.isObject()) {
            JsonNode expr = node.get("expr");
            if (expr != null && expr.isString()) {
                queries.add(expr.asString());
            }
            node.values().forEach((child) -> collectQueries(child, queries));
        }
        else if (node.isArray()) {
            node.values().forEach((child) -> collectQueries(child, queries));
        }
    }

    /** The metric names a PromQL query reads: identifiers that are no function, keyword, label or range. */
    static Set<String> metricNames(String query) {
        String stripped = query.replaceAll("\\{[^}]*\\}", " ").replaceAll("\\[[^\\]]*\\]", " ")
                .replaceAll("\\b(by|without|on|ignoring)\\s*\\([^)]*\\)", " ").replaceAll("\"[^\"]*\"", " ");
        Set<String> names = new LinkedHashSet<>();
        Matcher matcher = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*(\\s*\\()?").matcher(stripped);
        while (matcher.find()) {
            String token = matcher.group();
            if (!token.endsWith("(") && !PROMQL_WORDS.contains(token) && !token.matches("\\d.*")) {
                names.add(token);
            }
        }
        return names;
    }

    private String get(String path) throws Exception {
        HttpResponse<String> response = this.http.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + this.httpPort + path))
                        .timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(200);
        return response.body();
    }
}
