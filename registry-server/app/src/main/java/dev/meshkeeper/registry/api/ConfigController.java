package dev.meshkeeper.registry.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.meshkeeper.registry.api.ConfigStore.Change;
import dev.meshkeeper.registry.api.ConfigStore.ContextSummary;
import dev.meshkeeper.registry.api.ConfigStore.KeyChange;
import dev.meshkeeper.registry.api.ConfigTree.Snapshot;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.servlet.http.HttpServletRequest;
import java.security.Principal;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * The config admin API: {@code /api/v1/config}. Reads and writes Spring Cloud Zookeeper's config contexts; every
 * write is atomic, versioned and recorded in the context's history. The caller recorded as "who" is the request's
 * {@link Principal} (set by whatever authentication the server is configured with), else {@code anonymous}. Callers
 * without the operator role read secret-looking values masked ({@link ConfigValueMask}).
 */
@Tag(name = "config")
@RestController
@RequestMapping(path = "/api/v1/config", produces = MediaType.APPLICATION_JSON_VALUE)
class ConfigController {

    private final ConfigStore store;

    private final ConfigApiProperties properties;

    private final ConfigValueMask mask;

    ConfigController(ConfigStore store, ConfigApiProperties properties, ConfigValueMask mask) {
        this.store = store;
        this.properties = properties;
        this.mask = mask;
    }

    /** Viewers see secret-looking values masked; operators, who may change them, see them as they are. */
    private static boolean masked(HttpServletRequest request) {
        return !request.isUserInRole("OPERATOR");
    }

    @Operation(operationId = "listConfigContexts", summary = "Every config context")
    @GetMapping
    Contexts contexts() throws Exception {
        return new Contexts(this.store.contexts());
    }

    @Operation(operationId = "getConfigContext", summary = "A context with its values (ETag = version)")
    @GetMapping("/{context}")
    ResponseEntity<ContextView> read(@PathVariable String context, HttpServletRequest request) throws Exception {
        ResponseEntity<ContextView> view = view(this.store.read(context), null, HttpStatus.OK);
        if (!masked(request)) {
            return view;
        }
        ContextView body = view.getBody();
        return ResponseEntity.status(view.getStatusCode()).headers(view.getHeaders()).body(new ContextView(
                body.context(), body.path(), body.version(), this.mask.mask(body.properties()), null));
    }

    @Operation(operationId = "putConfigProperties", summary = "Set many keys atomically")
    @PutMapping(path = "/{context}", consumes = MediaType.APPLICATION_JSON_VALUE)
    ResponseEntity<ContextView> put(@PathVariable String context, @RequestBody(required = false) PutRequest request,
            @RequestHeader(name = HttpHeaders.IF_MATCH, required = false) String ifMatch, Principal principal)
            throws Exception {
        if (request == null || request.properties() == null || request.properties().isEmpty()) {
            throw ConfigApiException.badRequest("properties", "the body must be {\"properties\": {\"key\": "
                    + "\"value\", ...}} with at least one key");
        }
        return write(context, request.properties(), List.of(), ifMatch, principal, "put", null);
    }

    @Operation(operationId = "putConfigProperty", summary = "Set one key (body = the value)")
    @PutMapping(path = "/{context}/properties/{key}", consumes = MediaType.TEXT_PLAIN_VALUE)
    ResponseEntity<ContextView> putOne(@PathVariable String context, @PathVariable String key,
            @RequestBody(required = false) String value,
            @RequestHeader(name = HttpHeaders.IF_MATCH, required = false) String ifMatch, Principal principal)
            throws Exception {
        return write(context, Map.of(key, (value != null) ? value : ""), List.of(), ifMatch, principal, "put", null);
    }

    @Operation(operationId = "deleteConfigProperty", summary = "Delete one key")
    @DeleteMapping("/{context}/properties/{key}")
    ResponseEntity<ContextView> deleteOne(@PathVariable String context, @PathVariable String key,
            @RequestHeader(name = HttpHeaders.IF_MATCH, required = false) String ifMatch, Principal principal)
            throws Exception {
        return write(context, Map.of(), List.of(key), ifMatch, principal, "delete", null);
    }

    @Operation(operationId = "deleteConfigProperties", summary = "Delete several keys")
    @DeleteMapping("/{context}/properties")
    ResponseEntity<ContextView> delete(@PathVariable String context, @RequestParam(name = "key") List<String> keys,
            @RequestHeader(name = HttpHeaders.IF_MATCH, required = false) String ifMatch, Principal principal)
            throws Exception {
        return write(context, Map.of(), new ArrayList<>(new LinkedHashSet<>(keys)), ifMatch, principal, "delete",
                null);
    }

    @Operation(operationId = "getConfigHistory", summary = "The context's change history, newest first")
    @GetMapping("/{context}/history")
    ChangeHistory history(@PathVariable String context, HttpServletRequest request) throws Exception {
        Snapshot snapshot = this.store.read(context);
        List<Change> changes = this.store.history(context);
        if (masked(request)) {
            changes = changes.stream().map(this.mask::mask).toList();
        }
        return new ChangeHistory(context, snapshot.version(), this.properties.getHistoryLimit(), changes);
    }

    @Operation(operationId = "diffConfigVersions", summary = "Differences between two versions")
    @GetMapping("/{context}/diff")
    Diff diff(@PathVariable String context, @RequestParam long from, @RequestParam long to,
            HttpServletRequest request) throws Exception {
        Map<String, String> before = this.store.valuesAt(context, from, "from");
        Map<String, String> after = this.store.valuesAt(context, to, "to");
        List<KeyChange> changes = new ArrayList<>();
        Set<String> keys = new TreeSet<>(before.keySet());
        keys.addAll(after.keySet());
        for (String key : keys) {
            if (!Objects.equals(before.get(key), after.get(key))) {
                KeyChange change = new KeyChange(key, before.get(key), after.get(key));
                changes.add(masked(request) ? this.mask.mask(change) : change);
            }
        }
        return new Diff(context, from, to, changes);
    }

    @Operation(operationId = "rollbackConfigContext", summary = "Restore the values of a version")
    @PostMapping(path = "/{context}/rollback", consumes = MediaType.APPLICATION_JSON_VALUE)
    ResponseEntity<ContextView> rollback(@PathVariable String context,
            @RequestBody(required = false) RollbackRequest request,
            @RequestHeader(name = HttpHeaders.IF_MATCH, required = false) String ifMatch, Principal principal)
            throws Exception {
        if (request == null || request.version() == null) {
            throw ConfigApiException.badRequest("version", "the body must be {\"version\": n}, the version to "
                    + "restore (see GET /api/v1/config/" + context + "/history)");
        }
        Map<String, String> target = this.store.valuesAt(context, request.version(), "version");
        Map<String, String> current = this.store.read(context).values();
        Map<String, String> sets = new TreeMap<>(target);
        List<String> deletes = current.keySet().stream().filter((key) -> !target.containsKey(key)).toList();
        return write(context, sets, deletes, ifMatch, principal, "rollback", request.version());
    }

    @Operation(operationId = "exportConfigContext", summary = "Export as properties or YAML")
    @GetMapping(path = "/{context}/export", produces = { MediaType.TEXT_PLAIN_VALUE, "application/yaml" })
    ResponseEntity<String> export(@PathVariable String context,
            @RequestParam(defaultValue = "properties") String format, HttpServletRequest request) throws Exception {
        Snapshot snapshot = this.store.read(context);
        ConfigFormat configFormat = ConfigFormat.of(format);
        Map<String, String> values = masked(request) ? this.mask.mask(snapshot.values()) : snapshot.values();
        return ResponseEntity.ok().contentType(configFormat.mediaType())
                .eTag(etag(snapshot.version()))
                .header(HttpHeaders.CONTENT_DISPOSITION,
                        "attachment; filename=\"" + context + configFormat.extension() + "\"")
                .body(configFormat.write(values));
    }

    @Operation(operationId = "importConfigContext", summary = "Import a properties or YAML file (merge or replace)")
    @PostMapping(path = "/{context}/import", consumes = { MediaType.TEXT_PLAIN_VALUE, "application/yaml",
            "application/x-yaml", "text/yaml", "text/x-java-properties", MediaType.APPLICATION_OCTET_STREAM_VALUE })
    ResponseEntity<ContextView> importContext(@PathVariable String context,
            @RequestParam(defaultValue = "properties") String format,
            @RequestParam(defaultValue = "merge") String mode, @RequestBody(required = false) String body,
            @RequestHeader(name = HttpHeaders.IF_MATCH, required = false) String ifMatch, Principal principal)
            throws Exception {
        if (!mode.equals("merge") && !mode.equals("replace")) {
            throw ConfigApiException.badRequest("mode", "import mode '" + mode + "' is unknown; use merge (set the "
                    + "file's keys) or replace (also delete keys not in the file)");
        }
        Map<String, String> values = ConfigFormat.of(format).read((body != null) ? body : "");
        List<String> deletes = List.of();
        if (mode.equals("replace")) {
            try {
                deletes = this.store.read(context).values().keySet().stream()
                        .filter((key) -> !values.containsKey(key)).toList();
            }
            catch (ConfigApiException ex) {
                if (ex.getStatusCode().value() != 404) {
                    throw ex;
                }
            }
        }
        return write(context, values, deletes, ifMatch, principal, "import-" + mode, null);
    }

    private ResponseEntity<ContextView> write(String context, Map<String, String> sets, List<String> deletes,
            String ifMatch, Principal principal, String operation, Long rollbackOf) throws Exception {
        Long expected = expectedVersion(ifMatch);
        String who = (principal != null && principal.getName() != null) ? principal.getName() : "anonymous";
        Change change = this.store.apply(context, sets, deletes, expected, who, operation, rollbackOf);
        return view(this.store.read(context), change, HttpStatus.OK);
    }

    private Long expectedVersion(String ifMatch) {
        if (ifMatch == null || ifMatch.isBlank()) {
            if (this.properties.isRequireIfMatch()) {
                throw new ConfigApiException(HttpStatus.PRECONDITION_REQUIRED, "If-Match required",
                        "this server requires If-Match on every config write "
                                + "(meshkeeper.registry.config.require-if-match=true); read the context and send "
                                + "its ETag, e.g. If-Match: \"3\"",
                        "If-Match");
            }
            return null;
        }
        String tag = ifMatch.trim();
        if (tag.equals("*")) {
            return null;
        }
        if (tag.startsWith("W/")) {
            tag = tag.substring(2);
        }
        tag = tag.replace("\"", "").trim();
        try {
            return Long.parseLong(tag);
        }
        catch (NumberFormatException ex) {
            throw new ConfigApiException(HttpStatus.PRECONDITION_FAILED, "Version mismatch", "If-Match '" + ifMatch
                    + "' is not a config version; send the ETag of GET /api/v1/config/{context}, e.g. \"3\"",
                    "If-Match");
        }
    }

    private static ResponseEntity<ContextView> view(Snapshot snapshot, Change change, HttpStatus status) {
        return ResponseEntity.status(status).eTag(etag(snapshot.version())).body(new ContextView(snapshot.context(),
                snapshot.path(), snapshot.version(), snapshot.values(), change));
    }

    private static String etag(long version) {
        return "\"" + version + "\"";
    }

    /** A context as the API shows it; {@code change} is the change a write just recorded (absent on reads). */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record ContextView(String context, String path, long version, Map<String, String> properties,
            @Nullable Change change) {
    }

    record Contexts(List<ContextSummary> contexts) {
    }

    record ChangeHistory(String context, long version, int historyLimit, List<Change> changes) {
    }

    record Diff(String context, long from, long to, List<KeyChange> changes) {
    }

    record PutRequest(Map<String, String> properties) {
    }

    record RollbackRequest(Long version) {
    }
}
