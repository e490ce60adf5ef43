package dev.meshkeeper.data;

import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * What a name holds, told from its znode alone (no metadata beside the value's JSON): a map's node holds
 * {@code {"kind":"map"}} (or has children), a counter's a bare JSON integer, a value anything else.
 */
enum DataKind {

    VALUE, MAP, COUNTER;

    static final byte[] MAP_MARKER = "{\"kind\":\"map\"}".getBytes(StandardCharsets.UTF_8);

    private static final Pattern INTEGER = Pattern.compile("\\s*-?\\d{1,19}\\s*");

    private static final Pattern MAP_JSON = Pattern.compile("\\s*\\{\\s*\"kind\"\\s*:\\s*\"map\"\\s*}\\s*");

    /** The kind of an existing node, {@code null} when its data says nothing (empty, no children). */
    static DataKind of(byte[] data, int children) {
        String text = (data != null) ? new String(data, StandardCharsets.UTF_8) : "";
        if (children > 0 || MAP_JSON.matcher(text).matches()) {
            return MAP;
        }
        if (text.isBlank()) {
            return null;
        }
        return INTEGER.matcher(text).matches() ? COUNTER : VALUE;
    }

    /**
     * Whether a node of kind {@code found} can be opened as {@code this} with values of {@code type}: a counter's
     * bare number is also a value of a number type, and a value that happens to be an integer is a counter.
     */
    boolean accepts(DataKind found, Class<?> type) {
        if (found == null || found == this) {
            return true;
        }
        if (this == VALUE && found == COUNTER) {
            return Number.class.isAssignableFrom(type) || type == Object.class;
        }
        return false;
    }

    String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
