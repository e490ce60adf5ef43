package dev.meshkeeper.discovery;

import com.fasterxml.jackson.annotation.JsonTypeInfo;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.HashMap;
import org.apache.curator.x.discovery.ServiceInstance;
import org.apache.curator.x.discovery.details.InstanceSerializer;
import org.apache.curator.x.discovery.details.JsonInstanceSerializer;
import org.springframework.cloud.zookeeper.discovery.ZookeeperInstance;

/**
 * Reads and writes registrations in Spring Cloud Zookeeper's format — Curator {@code ServiceInstance} JSON with a
 * {@link ZookeeperInstance} payload — without letting a registration choose a Java type.
 * <p>
 * Curator's {@link JsonInstanceSerializer} reads the payload with {@code @JsonTypeInfo(use = CLASS)}: the
 * {@code @class} field of whatever sits under the services root decides which class Jackson instantiates in every
 * consumer. This serializer always reads the payload as a {@link ZookeeperInstance}, whatever {@code @class} says,
 * and instantiates nothing else. It writes exactly what {@link JsonInstanceSerializer} writes ({@code @class}
 * included), so vanilla Spring Cloud Zookeeper and Curator clients keep reading Meshkeeper's registrations.
 * <p>
 * A registration that is not a JSON object, whose payload is neither absent nor a JSON object, or whose metadata is
 * not a map of strings, is refused with an {@link IllegalArgumentException} saying what is wrong; the watched
 * instance cache leaves such a node out with one WARN naming its path.
 */
public final class ZookeeperInstanceSerializer implements InstanceSerializer<ZookeeperInstance> {

    private static final String PAYLOAD = "payload";

    private static final String TYPE_ID = "@class";

    private final JsonInstanceSerializer<ZookeeperInstance> writer = new JsonInstanceSerializer<>(
            ZookeeperInstance.class);

    private final ObjectMapper reader = new ObjectMapper()
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

    /**
     * Binds a registration in one pass, the payload as a {@link ZookeeperInstance} with Curator's type id switched
     * off (its {@code @class} is then an unknown property, ignored). Every change of a watched service is read
     * through here, so the common, well-formed registration skips the tree below.
     */
    private final ObjectReader direct = new ObjectMapper()
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false)
            .addMixIn(ServiceInstance.class, UntypedPayload.class)
            .readerFor(this.reader.getTypeFactory().constructParametricType(ServiceInstance.class,
                    ZookeeperInstance.class));

    @Override
    public ServiceInstance<ZookeeperInstance> deserialize(byte[] bytes) throws Exception {
        try {
            ServiceInstance<ZookeeperInstance> instance = this.direct.readValue(bytes);
            if (instance != null) {
                if (instance.getPayload() != null && instance.getPayload().getMetadata() == null) {
                    instance.getPayload().setMetadata(new HashMap<>());
                }
                return instance;
            }
        }
        catch (JsonProcessingException ex) {
            // Not a well-formed registration: the tree below says what is wrong with it.
        }
        return deserializeTree(bytes);
    }

    private ServiceInstance<ZookeeperInstance> deserializeTree(byte[] bytes) throws Exception {
        JsonNode tree = this.reader.readTree(bytes);
        if (!(tree instanceof ObjectNode registration)) {
            throw new IllegalArgumentException("the registration is not a JSON object");
        }
        // Without its payload the envelope has no polymorphic property left: Jackson reads only Curator's own
        // fields (strings, numbers, the service type enum and the URI spec).
        JsonNode payload = registration.remove(PAYLOAD);
        ServiceInstance<?> envelope = this.reader.treeToValue(registration, ServiceInstance.class);
        return new ServiceInstance<>(envelope.getName(), envelope.getId(), envelope.getAddress(),
                envelope.getPort(), envelope.getSslPort(), payload(payload), envelope.getRegistrationTimeUTC(),
                envelope.getServiceType(), envelope.getUriSpec(), envelope.isEnabled());
    }

    private ZookeeperInstance payload(JsonNode payload) throws Exception {
        if (payload == null || payload.isNull()) {
            return null;
        }
        if (!(payload instanceof ObjectNode fields)) {
            throw new IllegalArgumentException("its payload is a JSON " + payload.getNodeType().name().toLowerCase()
                    + ", not an object");
        }
        // The type id is written for interoperability and never read: the payload is a ZookeeperInstance.
        fields.remove(TYPE_ID);
        JsonNode metadata = fields.get("metadata");
        if (metadata != null && !metadata.isNull() && !metadata.isObject()) {
            throw new IllegalArgumentException("its payload's metadata is not a JSON object");
        }
        ZookeeperInstance instance = this.reader.treeToValue(fields, ZookeeperInstance.class);
        if (instance.getMetadata() == null) {
            instance.setMetadata(new HashMap<>());
        }
        return instance;
    }

    /** Switches off the type id Curator puts on {@link ServiceInstance#getPayload()}. */
    abstract static class UntypedPayload {

        @JsonTypeInfo(use = JsonTypeInfo.Id.NONE)
        abstract Object getPayload();
    }

    @Override
    public byte[] serialize(ServiceInstance<ZookeeperInstance> instance) throws Exception {
        return this.writer.serialize(instance);
    }
}
