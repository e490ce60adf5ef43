package dev.meshkeeper.registry.zookeeper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import org.apache.zookeeper.metrics.Counter;
import org.apache.zookeeper.metrics.MetricsContext.DetailLevel;
import org.apache.zookeeper.metrics.MetricsProviderLifeCycleException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class ZooKeeperMetricsBridgeTests {

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

    private final ZooKeeperMetricsBridge bridge = new ZooKeeperMetricsBridge(this.registry);

    @AfterEach
    void close() {
        this.bridge.close();
    }

    @Test
    void countersKeepCountingWhenZooKeeperAsksForThemAgainAfterARestart() {
        Counter first = this.bridge.getCounter("commit_count");
        first.add(3);
        first.add(-1);
        Counter afterRestart = this.bridge.getCounter("commit_count");
        afterRestart.inc();

        assertThat(afterRestart.get()).isEqualTo(4);
        assertThat(this.registry.get("zookeeper.commit_count").counter().count()).isEqualTo(4);
    }

    @Test
    void gaugeReadsTheServerRegisteredNowAndNaNWhileNoneIs() {
        this.bridge.registerGauge("znode_count", () -> 5);
        assertThat(this.registry.get("zookeeper.znode_count").gauge().value()).isEqualTo(5);

        this.bridge.unregisterGauge("znode_count");
        assertThat(this.registry.get("zookeeper.znode_count").gauge().value()).isNaN();

        this.bridge.registerGauge("znode_count", () -> 7);
        assertThat(this.registry.get("zookeeper.znode_count").gauge().value()).isEqualTo(7);
    }

    @Test
    void keyedSetsCarryTheirKeyAsATag() {
        this.bridge.getCounterSet("write_per_namespace").add("config", 2);
        this.bridge.getSummarySet("read_per_namespace", DetailLevel.BASIC).add("services", 10);
        Map<String, Number> quota = new HashMap<>(Map.of("/config", 3));
        this.bridge.registerGaugeSet("quota_count_usage_per_namespace", () -> quota);

        assertThat(this.registry.get("zookeeper.write_per_namespace").tag("key", "config").counter().count())
                .isEqualTo(2);
        assertThat(this.registry.get("zookeeper.read_per_namespace").tag("key", "services").summary().totalAmount())
                .isEqualTo(10);
        assertThat(this.registry.get("zookeeper.quota_count_usage_per_namespace").tag("key", "/config").gauge()
                .value()).isEqualTo(3);
        assertThat(this.bridge.names()).containsExactly("quota_count_usage_per_namespace", "read_per_namespace",
                "write_per_namespace");
    }

    @Test
    void summariesRecordValuesAndDumpInZooKeepersMonitorNaming() {
        this.bridge.getSummary("updatelatency", DetailLevel.ADVANCED).add(4);
        this.bridge.getSummary("updatelatency", DetailLevel.ADVANCED).add(8);
        Map<String, Object> dump = new HashMap<>();

        this.bridge.dump(dump::put);

        assertThat(this.registry.get("zookeeper.updatelatency").summary().count()).isEqualTo(2);
        assertThat(dump).containsEntry("cnt_updatelatency", 2L).containsEntry("avg_updatelatency", 6.0)
                .containsEntry("max_updatelatency", 8.0);
    }

    @Test
    void providerFindsItsBridgeByIdAndFailsNamingTheSettingOtherwise() throws Exception {
        MicrometerMetricsProvider provider = new MicrometerMetricsProvider();
        Properties configuration = new Properties();
        configuration.setProperty("registry", this.bridge.zooKeeperProperties().get("metricsProvider.registry"));
        provider.configure(configuration);
        provider.getRootContext().getCounter("packets").add(1);
        assertThat(this.registry.get("zookeeper.packets").counter().count()).isEqualTo(1);

        configuration.setProperty("registry", "unknown");
        assertThatThrownBy(() -> new MicrometerMetricsProvider().configure(configuration))
                .isInstanceOf(MetricsProviderLifeCycleException.class).hasMessageContaining("metricsProvider.registry");
    }
}
