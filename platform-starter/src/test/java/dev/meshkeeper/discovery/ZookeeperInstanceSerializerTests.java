package dev.meshkeeper.discovery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.curator.x.discovery.ServiceInstance;
import org.apache.curator.x.discovery.ServiceType;
import org.apache.curator.x.discovery.UriSpec;
import org.apache.curator.x.discovery.details.JsonInstanceSerializer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.springframework.cloud.zookeeper.discovery.ZookeeperInstance;

@Timeout(30)
class ZookeeperInstanceSerializerTests {

    private static final String HOSTILE_CLASS = SideEffectPayload.class.getName();

    private final ZookeeperInstanceSerializer serializer = new ZookeeperInstanceSerializer();

    @BeforeEach
    void resetSideEffects() {
        SideEffectPayload.constructed.set(0);
    }

    @Test
    void payloadNamingAnotherClassIsReadAsZookeeperInstanceWithoutInstantiatingThatClass() throws Exception {
        ServiceInstance<ZookeeperInstance> read = this.serializer.deserialize(registration(
                "{\"@class\":\"" + HOSTILE_CLASS + "\",\"id\":\"orders-1\",\"name\":\"orders\","
                        + "\"metadata\":{\"instance_status\":\"UP\",\"zone\":\"a\"}}"));

        assertThat(SideEffectPayload.constructed).hasValue(0);
        assertThat(read.getPayload()).isExactlyInstanceOf(ZookeeperInstance.class);
        assertThat(read.getPayload().getMetadata()).containsEntry("instance_status", "UP").containsEntry("zone", "a");
        assertThat(read.getId()).isEqualTo("orders-1");
        assertThat(read.getAddress()).isEqualTo("127.0.0.1");
        assertThat(read.getPort()).isEqualTo(8080);
        assertThat(read.buildUriSpec()).isEqualTo("http://127.0.0.1:8080");
    }

    @Test
    void curatorsOwnSerializerInstantiatesTheClassARegistrationNames() {
        // The attack this serializer exists for: Curator's reader builds whatever @class names before it checks it.
        JsonInstanceSerializer<ZookeeperInstance> curators = new JsonInstanceSerializer<>(ZookeeperInstance.class);
        assertThatThrownBy(() -> curators.deserialize(registration(
                "{\"@class\":\"" + HOSTILE_CLASS + "\",\"id\":\"orders-1\",\"name\":\"orders\",\"metadata\":{}}")))
                .isInstanceOf(ClassCastException.class);
        assertThat(SideEffectPayload.constructed).hasValue(1);
    }

    @Test
    void payloadNamingAJdkClassIsReadSafely() throws Exception {
        ServiceInstance<ZookeeperInstance> read = this.serializer.deserialize(registration(
                "{\"@class\":\"java.net.URL\",\"protocol\":\"http\",\"host\":\"evil.example\",\"metadata\":null}"));

        assertThat(read.getPayload()).isExactlyInstanceOf(ZookeeperInstance.class);
        assertThat(read.getPayload().getMetadata()).isEmpty();
    }

    @Test
    void payloadWithoutATypeIdIsReadAsZookeeperInstance() throws Exception {
        ServiceInstance<ZookeeperInstance> read = this.serializer
                .deserialize(registration("{\"id\":\"orders-1\",\"metadata\":{\"weight\":\"3\"}}"));

        assertThat(read.getPayload().getMetadata()).containsEntry("weight", "3");
    }

    @Test
    void malformedRegistrationsAreRefusedWithoutInstantiatingAnything() {
        assertThatThrownBy(() -> this.serializer.deserialize(bytes("[\"" + HOSTILE_CLASS + "\",{}]")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not a JSON object");
        assertThatThrownBy(() -> this.serializer.deserialize(registration("[\"" + HOSTILE_CLASS + "\",{}]")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("payload is a JSON array");
        assertThatThrownBy(() -> this.serializer
                .deserialize(registration("{\"@class\":\"" + HOSTILE_CLASS + "\",\"metadata\":\"x\"}")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("metadata is not a JSON object");
        assertThatThrownBy(() -> this.serializer
                .deserialize(registration("{\"metadata\":{\"nested\":{\"@class\":\"" + HOSTILE_CLASS + "\"}}}")))
                .isInstanceOf(Exception.class);
        assertThatThrownBy(() -> this.serializer.deserialize(bytes("{not json"))).isInstanceOf(Exception.class);
        assertThat(SideEffectPayload.constructed).hasValue(0);
    }

    @Test
    void writesWhatCuratorWritesTypeIdIncludedAndReadsItBack() throws Exception {
        Map<String, String> metadata = new HashMap<>(Map.of("instance_status", "UP", "weight", "2"));
        ServiceInstance<ZookeeperInstance> instance = ServiceInstance.<ZookeeperInstance>builder().name("orders")
                .id("orders-1").address("127.0.0.1").port(8080).sslPort(8443)
                .uriSpec(new UriSpec("{scheme}://{address}:{port}")).serviceType(ServiceType.DYNAMIC)
                .payload(new ZookeeperInstance("orders-1", "orders", metadata)).build();

        byte[] written = this.serializer.serialize(instance);

        assertThat(written).isEqualTo(new JsonInstanceSerializer<>(ZookeeperInstance.class).serialize(instance));
        assertThat(new String(written, StandardCharsets.UTF_8))
                .contains("\"@class\":\"" + ZookeeperInstance.class.getName() + "\"");
        ServiceInstance<ZookeeperInstance> read = this.serializer.deserialize(written);
        assertThat(read).usingRecursiveComparison().isEqualTo(instance);
        assertThat(read.getPayload().getMetadata()).isEqualTo(metadata);
        assertThat(read.buildUriSpec()).isEqualTo(instance.buildUriSpec()).startsWith("https://");
    }

    private static byte[] registration(String payload) {
        return bytes("{\"name\":\"orders\",\"id\":\"orders-1\",\"address\":\"127.0.0.1\",\"port\":8080,"
                + "\"sslPort\":null,\"payload\":" + payload + ",\"registrationTimeUTC\":1700000000000,"
                + "\"serviceType\":\"DYNAMIC\",\"uriSpec\":{\"parts\":[{\"value\":\"scheme\",\"variable\":true},"
                + "{\"value\":\"://\",\"variable\":false},{\"value\":\"address\",\"variable\":true},"
                + "{\"value\":\":\",\"variable\":false},{\"value\":\"port\",\"variable\":true}]}}");
    }

    private static byte[] bytes(String json) {
        return json.getBytes(StandardCharsets.UTF_8);
    }

    /** A class with a side effect in its constructor, standing for a gadget a hostile registration might name. */
    public static class SideEffectPayload {

        static final AtomicInteger constructed = new AtomicInteger();

        private String id;

        private String name;

        private Map<String, String> metadata;

        public SideEffectPayload() {
            constructed.incrementAndGet();
        }

        public String getId() {
            return this.id;
        }

        public void setId(String id) {
            this.id = id;
        }

        public String getName() {
            return this.name;
        }

        public void setName(String name) {
            this.name = name;
        }

        public Map<String, String> getMetadata() {
            return this.metadata;
        }

        public void setMetadata(Map<String, String> metadata) {
            this.metadata = metadata;
        }
    }
}
