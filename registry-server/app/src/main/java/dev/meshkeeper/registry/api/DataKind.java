package dev.meshkeeper.registry.api;

import tools.jackson.databind.JsonNode;

/**
 * What a name under the shared data root holds, read from its znode's data the way the applications read it: a map
 * when the data is {@code {"kind":"map"}}, a counter when it is a bare JSON integer, else a value.
 */
enum DataKind {

    VALUE("value"), MAP("map"), COUNTER("counter");

    private final String label;

    DataKind(String label) {
        this.label = label;
    }

    /** The kind as the API and the applications name it: {@code value}, {@code map} or {@code counter}. */
    String label() {
        return this.label;
    }

    /** The kind of a name whose data decoded to {@code json}; {@code null} (undecodable data) is a value. */
    static DataKind of(JsonNode json) {
        if (json == null) {
            return VALUE;
        }
        if (isMapMarker(json)) {
            return MAP;
        }
        return json.isIntegralNumber() ? COUNTER : VALUE;
    }

    static boolean isMapMarker(JsonNode json) {
        return json.isObject() && json.size() == 1 && json.path("kind").isString()
                && "map".equals(json.get("kind").asString());
    }
}
