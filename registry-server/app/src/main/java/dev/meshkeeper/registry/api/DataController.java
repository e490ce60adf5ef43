package dev.meshkeeper.registry.api;

import dev.meshkeeper.registry.api.DataView.EntryItem;
import dev.meshkeeper.registry.api.DataView.MapView;
import dev.meshkeeper.registry.api.DataView.Summary;
import dev.meshkeeper.registry.api.DataView.ValueView;
import dev.meshkeeper.registry.api.DataView.Written;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import jakarta.servlet.http.HttpServletRequest;
import java.util.List;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.JsonNode;

/**
 * The shared data admin API: {@code /api/v1/data}. Shows and changes the values, maps and counters the applications
 * share (see {@link DataStore} for the layout). Reads answer with the version as {@code ETag}; writes take it back
 * in {@code If-Match} (412 when it changed meanwhile) or {@code If-None-Match: *} to create only.
 */
@Tag(name = "data")
@RestController
@ConditionalOnBooleanProperty(name = "meshkeeper.registry.data.enabled", matchIfMissing = true)
@RequestMapping(path = "/api/v1/data", produces = MediaType.APPLICATION_JSON_VALUE)
class DataController {

    private static final String VALUE_EXAMPLE = "{\"checkout\":true} or 42 for a counter";

    private static final String ENTRY_EXAMPLE = "{\"available\":5}";

    private static final String VALUE_BODY = "the value: any JSON (a bare integer makes a value a counter)";

    private final DataStore store;

    private final DataJson json;

    private final DataApiProperties properties;

    DataController(DataStore store, DataJson json, DataApiProperties properties) {
        this.store = store;
        this.json = json;
        this.properties = properties;
    }

    @Operation(operationId = "listData", summary = "Every shared data name with its kind and number of entries")
    @GetMapping
    List<Summary> list() throws Exception {
        return this.store.list();
    }

    @Operation(operationId = "getData", summary = "A value or counter with its version, or a map with every entry")
    @GetMapping("/{name}")
    ResponseEntity<DataView> read(@PathVariable String name) throws Exception {
        DataView view = this.store.read(name);
        long etag = (view instanceof MapView map) ? map.etag() : ((ValueView) view).version();
        return ResponseEntity.ok().eTag(etag(etag)).body(view);
    }

    @Operation(operationId = "getDataEntry", summary = "One map entry with its version")
    @GetMapping("/{name}/{key}")
    ResponseEntity<EntryItem> readEntry(@PathVariable String name, @PathVariable String key) throws Exception {
        EntryItem entry = this.store.readEntry(name, key);
        return ResponseEntity.ok().eTag(etag(entry.version())).body(entry);
    }

    @Operation(operationId = "putData", summary = "Create or set a value or counter (a bare integer is a counter)")
    @PutMapping(path = "/{name}", consumes = MediaType.APPLICATION_JSON_VALUE)
    ResponseEntity<ValueView> put(@PathVariable String name,
            @io.swagger.v3.oas.annotations.parameters.RequestBody(description = VALUE_BODY,
                    content = @Content(schema = @Schema(implementation = JsonNode.class)))
            @RequestBody(required = false) byte[] body,
            @RequestHeader(name = HttpHeaders.IF_MATCH, required = false) String ifMatch,
            @RequestHeader(name = HttpHeaders.IF_NONE_MATCH, required = false) String ifNoneMatch,
            HttpServletRequest request) throws Exception {
        DataValidation.validate(name, "name");
        JsonNode value = this.json.parseBody(body, VALUE_EXAMPLE);
        Written<ValueView> written = this.store.put(name, value, precondition(ifMatch, ifNoneMatch));
        ValueView view = written.view();
        AuditLog.summarize(request, (written.created() ? "create " : "update ") + view.kind() + " " + name
                + " (version " + view.version() + ")");
        return ResponseEntity.ok().eTag(etag(view.version())).body(view);
    }

    @Operation(operationId = "putDataEntry", summary = "Create or set one map entry (creates the map when missing)")
    @PutMapping(path = "/{name}/{key}", consumes = MediaType.APPLICATION_JSON_VALUE)
    ResponseEntity<EntryItem> putEntry(@PathVariable String name, @PathVariable String key,
            @io.swagger.v3.oas.annotations.parameters.RequestBody(description = VALUE_BODY,
                    content = @Content(schema = @Schema(implementation = JsonNode.class)))
            @RequestBody(required = false) byte[] body,
            @RequestHeader(name = HttpHeaders.IF_MATCH, required = false) String ifMatch,
            @RequestHeader(name = HttpHeaders.IF_NONE_MATCH, required = false) String ifNoneMatch,
            HttpServletRequest request) throws Exception {
        DataValidation.validate(name, "name");
        DataValidation.validate(key, "key");
        JsonNode value = this.json.parseBody(body, ENTRY_EXAMPLE);
        Written<EntryItem> written = this.store.putEntry(name, key, value, precondition(ifMatch, ifNoneMatch));
        EntryItem entry = written.view();
        AuditLog.summarize(request, (written.created() ? "create " : "update ") + "map entry " + name + "/" + key
                + " (version " + entry.version() + ")");
        return ResponseEntity.ok().eTag(etag(entry.version())).body(entry);
    }

    @Operation(operationId = "deleteData", summary = "Delete a value or counter, or a map with all its entries")
    @ApiResponse(responseCode = "204", description = "Deleted")
    @DeleteMapping("/{name}")
    ResponseEntity<Void> delete(@PathVariable String name,
            @RequestHeader(name = HttpHeaders.IF_MATCH, required = false) String ifMatch,
            HttpServletRequest request) throws Exception {
        DataValidation.validate(name, "name");
        DataKind kind = this.store.delete(name, precondition(ifMatch, null));
        AuditLog.summarize(request, "delete " + kind.label() + " " + name);
        return ResponseEntity.noContent().build();
    }

    @Operation(operationId = "deleteDataEntry", summary = "Delete one map entry (the map stays)")
    @ApiResponse(responseCode = "204", description = "Deleted")
    @DeleteMapping("/{name}/{key}")
    ResponseEntity<Void> deleteEntry(@PathVariable String name, @PathVariable String key,
            @RequestHeader(name = HttpHeaders.IF_MATCH, required = false) String ifMatch,
            HttpServletRequest request) throws Exception {
        DataValidation.validate(name, "name");
        DataValidation.validate(key, "key");
        this.store.deleteEntry(name, key, precondition(ifMatch, null));
        AuditLog.summarize(request, "delete map entry " + name + "/" + key);
        return ResponseEntity.noContent().build();
    }

    private DataPrecondition precondition(String ifMatch, String ifNoneMatch) {
        return DataPrecondition.of(ifMatch, ifNoneMatch, this.properties.isRequireIfMatch());
    }

    private static String etag(long version) {
        return "\"" + version + "\"";
    }
}
