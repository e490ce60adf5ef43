package dev.meshkeeper.discovery;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.apache.curator.framework.recipes.cache.ChildData;
import org.apache.curator.x.discovery.ServiceInstance;
import org.apache.curator.x.discovery.UriSpec;
import org.apache.curator.x.discovery.details.JsonInstanceSerializer;
import org.apache.zookeeper.data.Stat;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.slf4j.LoggerFactory;
import org.springframework.cloud.zookeeper.discovery.ZookeeperInstance;

/** Reading one registration node: Spring Cloud Zookeeper's format in, a service instance or one WARN out. */
@Timeout(30)
class RegistrationReaderTests {

    private final JsonInstanceSerializer<ZookeeperInstance> serializer = new JsonInstanceSerializer<>(
            ZookeeperInstance.class);

    private final RegistrationReader reader = new RegistrationReader(this.serializer);

    private final ListAppender<ILoggingEvent> logs = new ListAppender<>();

    @BeforeEach
    void listen() {
        this.logs.start();
        ((Logger) LoggerFactory.getLogger(WatchedInstances.class)).addAppender(this.logs);
    }

    @AfterEach
    void stopListening() {
        ((Logger) LoggerFactory.getLogger(WatchedInstances.class)).detachAppender(this.logs);
    }

    @Test
    void wellFormedRegistrationIsReadWithItsMetadataKeptAsItIs() throws Exception {
        ServiceInstance<ZookeeperInstance> registered = ServiceInstance.<ZookeeperInstance>builder().name("orders")
                .id("orders-1").address("127.0.0.1").port(8080).uriSpec(new UriSpec("{scheme}://{address}:{port}"))
                .payload(new ZookeeperInstance("orders-1", "orders", Map.of("zone", "a", "custom", "x"))).build();
        org.springframework.cloud.client.ServiceInstance read = this.reader.read("orders",
                node("/services/orders/orders-1", this.serializer.serialize(registered)));
        assertThat(read.getInstanceId()).isEqualTo("orders-1");
        assertThat(read.getPort()).isEqualTo(8080);
        assertThat(read.getMetadata()).containsEntry("zone", "a").containsEntry("custom", "x");
        assertThat(warnings()).isZero();
    }

    @Test
    void unreadableNodeIsSkippedWithOneWarnNamingItsPath() {
        ChildData broken = node("/services/orders/broken", "{not json".getBytes(StandardCharsets.UTF_8));
        assertThat(this.reader.read("orders", broken)).isNull();
        assertThat(this.reader.read("orders", broken)).isNull();
        assertThat(this.reader.read("orders", node("/services/orders/empty", new byte[0]))).isNull();
        assertThat(this.logs.list).filteredOn((event) -> event.getLevel() == Level.WARN)
                .extracting(ILoggingEvent::getFormattedMessage)
                .anySatisfy((message) -> assertThat(message).contains("/services/orders/broken")
                        .contains("not a Spring Cloud Zookeeper registration"))
                .anySatisfy((message) -> assertThat(message).contains("/services/orders/empty").contains("empty"));
        assertThat(warnings()).as("one WARN per node and problem").isEqualTo(2);
    }

    @Test
    void nodeDeletedAndWrittenBadAgainIsReportedAgain() {
        ChildData broken = node("/services/orders/broken", "{not json".getBytes(StandardCharsets.UTF_8));
        this.reader.read("orders", broken);
        this.reader.forget(broken.getPath());
        this.reader.read("orders", broken);
        assertThat(warnings()).isEqualTo(2);
    }

    private long warnings() {
        return this.logs.list.stream().filter((event) -> event.getLevel() == Level.WARN).count();
    }

    private static ChildData node(String path, byte[] data) {
        return new ChildData(path, new Stat(), data);
    }
}
