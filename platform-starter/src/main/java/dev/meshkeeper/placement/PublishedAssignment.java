package dev.meshkeeper.placement;

import java.util.Map;
import java.util.TreeMap;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.json.JsonMapper;

/**
 * The assignment a group's leader publishes at {@code {root}/{group}/assignment} as JSON:
 * {@code {"generation":7,"epoch":4294967312,"owners":{"0":"order-1","1":"order-2"}}}. The generation grows with
 * every change of owners; the epoch is the leadership epoch of the leader that wrote it.
 */
record PublishedAssignment(long generation, long epoch, Map<String, String> owners) {

    private static final JsonMapper json = JsonMapper.builder().build();

    static final PublishedAssignment NONE = new PublishedAssignment(0, 0, Map.of());

    PublishedAssignment {
        owners = Map.copyOf(owners);
    }

    byte[] toJson() {
        return json.writeValueAsBytes(new Wire(this.generation, this.epoch, new TreeMap<>(this.owners)));
    }

    /** @throws IllegalArgumentException when the bytes are not an assignment */
    static PublishedAssignment fromJson(String path, byte[] bytes) {
        if (bytes == null || bytes.length == 0) {
            return NONE;
        }
        try {
            Wire wire = json.readValue(bytes, Wire.class);
            return new PublishedAssignment(wire.generation(), wire.epoch(),
                    (wire.owners() != null) ? wire.owners() : Map.of());
        }
        catch (JacksonException ex) {
            throw new IllegalArgumentException("znode " + path + " does not hold a work assignment ("
                    + ex.getOriginalMessage() + "); delete it and the group's leader publishes a new one", ex);
        }
    }

    /** The JSON shape, kept apart so that the public field order is stable. */
    record Wire(long generation, long epoch, Map<String, String> owners) {
    }
}
