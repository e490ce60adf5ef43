package dev.meshkeeper.data;

import java.nio.charset.StandardCharsets;
import java.util.Objects;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.ObjectMapper;

/**
 * Turns values into the exact JSON a znode holds and back, through the application's Jackson. Only the type the
 * application asked for is ever instantiated (nothing read from ZooKeeper names a class).
 */
class JsonCodec<T> {

    /** ZooKeeper's request size limit, as the client sees it (1 MB unless jute.maxbuffer says otherwise). */
    static final int MAX_BUFFER = Integer.getInteger("jute.maxbuffer", 0xfffff);

    /** Room for the rest of a request: header, path, ACLs. */
    private static final int REQUEST_OVERHEAD = 512;

    private final ObjectMapper mapper;

    private final Class<T> type;

    JsonCodec(ObjectMapper mapper, Class<T> type) {
        this.mapper = mapper;
        this.type = type;
    }

    Class<T> type() {
        return this.type;
    }

    /** The JSON of {@code value}, refused before any write when ZooKeeper would refuse it. */
    byte[] encode(String label, String path, T value) {
        Objects.requireNonNull(value, () -> "Shared data '" + label + "': null cannot be written; remove it instead");
        byte[] json = write(value);
        int room = MAX_BUFFER - REQUEST_OVERHEAD - path.length();
        if (json.length > room) {
            throw new IllegalArgumentException("Shared data '" + label + "' is " + json.length + " bytes of JSON, "
                    + "more than ZooKeeper accepts in one request (jute.maxbuffer=" + MAX_BUFFER + " bytes, of which "
                    + room + " are left for the value); store less per name or key, or raise jute.maxbuffer on "
                    + "every ZooKeeper server and client");
        }
        return json;
    }

    byte[] write(T value) {
        return this.mapper.writeValueAsBytes(value);
    }

    /**
     * The value of {@code data}; empty data (a node created without any) is {@code null}.
     * @throws IllegalStateException naming the name, the type and the offending JSON path
     */
    T decode(String label, byte[] data) {
        if (data == null || data.length == 0) {
            return null;
        }
        try {
            return read(data);
        }
        catch (JacksonException | IllegalArgumentException ex) {
            throw new IllegalStateException("Shared data '" + label + "' holds JSON that is not a "
                    + this.type.getSimpleName() + " at " + jsonPath(ex) + ": " + firstLine(ex.getMessage())
                    + "; fix the znode's JSON or open the name with the type it holds", ex);
        }
    }

    T read(byte[] data) {
        return this.mapper.readValue(data, this.type);
    }

    /** Whether two values have the same JSON (e.g. a record and the one read back from ZooKeeper). */
    boolean sameJson(T left, T right) {
        if (left == null || right == null) {
            return left == right;
        }
        return this.mapper.valueToTree(left).equals(this.mapper.valueToTree(right));
    }

    private static String jsonPath(Exception ex) {
        StringBuilder path = new StringBuilder("$");
        if (ex instanceof JacksonException jackson) {
            for (JacksonException.Reference reference : jackson.getPath()) {
                if (reference.getPropertyName() != null) {
                    path.append('.').append(reference.getPropertyName());
                }
                else if (reference.getIndex() >= 0) {
                    path.append('[').append(reference.getIndex()).append(']');
                }
            }
        }
        return path.toString();
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "unreadable";
        }
        int end = message.indexOf('\n');
        return (end < 0) ? message : message.substring(0, end);
    }

    /** A counter: a bare JSON integer, read strictly (no fractions, no strings). */
    static final class CounterCodec extends JsonCodec<Long> {

        CounterCodec(ObjectMapper mapper) {
            super(mapper, Long.class);
        }

        @Override
        byte[] write(Long value) {
            return Long.toString(value).getBytes(StandardCharsets.UTF_8);
        }

        @Override
        Long read(byte[] data) {
            String text = new String(data, StandardCharsets.UTF_8).trim();
            try {
                return Long.valueOf(text);
            }
            catch (NumberFormatException ex) {
                throw new IllegalArgumentException("'" + text + "' is not an integer", ex);
            }
        }
    }
}
