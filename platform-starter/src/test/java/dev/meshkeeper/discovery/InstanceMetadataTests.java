package dev.meshkeeper.discovery;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.slf4j.LoggerFactory;
import org.springframework.cloud.client.DefaultServiceInstance;
import org.springframework.cloud.client.ServiceInstance;

/** One reading of an instance's metadata for discovery, balancing and load. */
@Timeout(10)
class InstanceMetadataTests {

    private final ListAppender<ILoggingEvent> logs = new ListAppender<>();

    @BeforeEach
    void listen() {
        this.logs.start();
        ((Logger) LoggerFactory.getLogger(InstanceMetadata.class)).addAppender(this.logs);
    }

    @AfterEach
    void stopListening() {
        ((Logger) LoggerFactory.getLogger(InstanceMetadata.class)).detachAppender(this.logs);
    }

    @Test
    void instanceWithoutStatusIsUpAndStatusIsReadInAnyCase() {
        assertThat(InstanceMetadata.isUp(instance("meta-status-1", Map.of()))).isTrue();
        assertThat(InstanceMetadata.status(instance("meta-status-1", Map.of()))).isEqualTo("UP");
        assertThat(InstanceMetadata.isUp(instance("meta-status-2", Map.of("instance_status", "up")))).isTrue();
        assertThat(InstanceMetadata.isUp(instance("meta-status-3", Map.of("instance_status", " ")))).isTrue();
        ServiceInstance draining = instance("meta-status-4", Map.of("instance_status", "OUT_OF_SERVICE"));
        assertThat(InstanceMetadata.isUp(draining)).isFalse();
        assertThat(InstanceMetadata.status(draining)).isEqualTo("OUT_OF_SERVICE");
    }

    @Test
    void zoneVersionAndLoadAreReadAsPublished() {
        ServiceInstance instance = instance("meta-keys-1", Map.of("zone", "zone-a", "version", "1.4.0", "load", "0.5",
                "cpu", "0.7"));
        assertThat(InstanceMetadata.zone(instance)).isEqualTo("zone-a");
        assertThat(InstanceMetadata.version(instance)).isEqualTo("1.4.0");
        assertThat(InstanceMetadata.load(instance, InstanceMetadata.LOAD_KEY)).isEqualTo("0.5");
        assertThat(InstanceMetadata.load(instance, "cpu")).isEqualTo("0.7");
        assertThat(InstanceMetadata.zone(instance("meta-keys-2", Map.of()))).isNull();
    }

    @Test
    void missingWeightIsOneWithoutWarning() {
        assertThat(InstanceMetadata.weight(instance("meta-weight-none", Map.of()), 100)).isEqualTo(1);
        assertThat(warnings()).isZero();
    }

    @Test
    void weightZeroCountsAsOneWithOneWarnPerInstance() {
        ServiceInstance zero = instance("meta-weight-zero", Map.of("weight", "0"));
        for (int i = 0; i < 5; i++) {
            assertThat(InstanceMetadata.weight(zero, 100)).isEqualTo(1);
        }
        assertThat(InstanceMetadata.weight(instance("meta-weight-negative", Map.of("weight", "-3")), 100)).isEqualTo(1);
        assertThat(InstanceMetadata.weight(instance("meta-weight-text", Map.of("weight", "heavy")), 100)).isEqualTo(1);
        assertThat(warnings()).as("one WARN per instance and value").isEqualTo(3);
        assertThat(this.logs.list.get(0).getFormattedMessage()).contains("meta-weight-zero").contains("weight='0'")
                .contains("using weight 1").contains("spring.cloud.zookeeper.discovery.metadata.weight");
    }

    @Test
    void weightAboveTheMaximumCountsAsTheMaximum() {
        assertThat(InstanceMetadata.weight(instance("meta-weight-seven", Map.of("weight", " 7 ")), 100)).isEqualTo(7);
        assertThat(InstanceMetadata.weight(instance("meta-weight-greedy", Map.of("weight", "1000")), 100))
                .isEqualTo(100);
        assertThat(this.logs.list).singleElement().extracting(ILoggingEvent::getFormattedMessage).asString()
                .contains("meshkeeper.loadbalancer.max-weight (100)");
    }

    @Test
    void weightReadFromAMetadataMapFollowsTheSameRulesAndNamesTheInstance() {
        assertThat(InstanceMetadata.weight(Map.of("weight", "3"), "meta-service", "meta-map-three", 100)).isEqualTo(3);
        assertThat(InstanceMetadata.weight(null, "meta-service", "meta-map-none", 100)).isEqualTo(1);
        assertThat(InstanceMetadata.weight(Map.of("weight", "500"), "meta-service", "meta-map-greedy", 100))
                .isEqualTo(100);
        for (int i = 0; i < 3; i++) {
            assertThat(InstanceMetadata.weight(Map.of("weight", "0"), "meta-service", "meta-map-zero", 100))
                    .isEqualTo(1);
        }
        assertThat(warnings()).as("one WARN per instance and value").isEqualTo(2);
        assertThat(this.logs.list.get(1).getFormattedMessage()).contains("meta-map-zero").contains("meta-service")
                .contains("weight='0'").contains("using weight 1");
    }

    private long warnings() {
        return this.logs.list.stream().filter((event) -> event.getLevel() == Level.WARN).count();
    }

    private static ServiceInstance instance(String id, Map<String, String> metadata) {
        return new DefaultServiceInstance(id, "meta-service", "127.0.0.1", 8080, false, new HashMap<>(metadata));
    }
}
