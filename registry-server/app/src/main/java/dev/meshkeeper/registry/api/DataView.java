package dev.meshkeeper.registry.api;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import io.swagger.v3.oas.annotations.media.Schema;
import java.util.List;
import tools.jackson.databind.JsonNode;

/** What {@code GET /api/v1/data/{name}} shows: a value or counter, or a map; and the other shapes of the data API. */
@Schema(oneOf = { DataView.ValueView.class, DataView.MapView.class })
sealed interface DataView permits DataView.ValueView, DataView.MapView {

    record Summary(String name, String kind, int entries) {
    }

    /** A value or counter; {@code problem} says why the value is shown as text when its znode is not JSON. */
    record ValueView(String name, String path, String kind, int version, JsonNode value,
            @JsonInclude(JsonInclude.Include.NON_NULL) String problem) implements DataView {
    }

    /** A map; {@code etag} is the zxid of its latest change, the version a whole-map delete checks. */
    record MapView(String name, String path, String kind, List<EntryView> entries, @JsonIgnore long etag)
            implements DataView {
    }

    record EntryView(String key, int version, JsonNode value,
            @JsonInclude(JsonInclude.Include.NON_NULL) String problem) {
    }

    record EntryItem(String name, String key, String path, int version, JsonNode value,
            @JsonInclude(JsonInclude.Include.NON_NULL) String problem) {
    }

    record Written<T>(T view, boolean created) {
    }
}
