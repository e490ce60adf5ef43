package dev.meshkeeper.registry.api;

import java.nio.charset.StandardCharsets;
import tools.jackson.core.JacksonException;
import tools.jackson.core.StreamReadFeature;
import tools.jackson.core.TokenStreamLocation;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Reads and writes the JSON of shared data: request bodies are checked strictly (one JSON value, no duplicate
 * property, decimals kept exactly as written) and stored compact, so a znode holds exactly the value's JSON.
 */
final class DataJson {

    static final byte[] MAP_MARKER = "{\"kind\":\"map\"}".getBytes(StandardCharsets.UTF_8);

    private final JsonMapper mapper = JsonMapper.builder().enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS).build();

    /**
     * The JSON of a request body.
     * @throws AdminApiException (400, field {@code body}) when the body is empty or not one valid JSON value
     */
    JsonNode parseBody(byte[] body, String example) {
        JsonNode json = null;
        if (body != null && body.length > 0) {
            try {
                json = this.mapper.readTree(body);
            }
            catch (JacksonException ex) {
                TokenStreamLocation location = ex.getLocation();
                String where = (location != null && location.getLineNr() > 0)
                        ? " at line " + location.getLineNr() + ", column " + location.getColumnNr() : "";
                throw AdminApiException.badRequest("body", "the body is not valid JSON (" + ex.getOriginalMessage()
                        + where + "); send the value's JSON, e.g. " + example + "; nothing was changed");
            }
        }
        if (json == null || json.isMissingNode()) {
            throw AdminApiException.badRequest("body", "the body is empty; send the value's JSON, e.g. " + example
                    + "; nothing was changed");
        }
        return json;
    }

    /** The compact JSON stored in the znode. */
    byte[] encode(JsonNode json) {
        return this.mapper.writeValueAsBytes(json);
    }

    /** The JSON in a znode's data; never throws: data that is not JSON is returned as text with the reason. */
    Decoded decode(byte[] data) {
        byte[] bytes = (data != null) ? data : new byte[0];
        try {
            JsonNode json = this.mapper.readTree(bytes);
            if (json != null && !json.isMissingNode()) {
                return new Decoded(json, DataKind.of(json), null);
            }
        }
        catch (JacksonException ex) {
            return new Decoded(this.mapper.getNodeFactory().stringNode(new String(bytes, StandardCharsets.UTF_8)),
                    DataKind.VALUE, "the znode does not hold JSON (" + ex.getOriginalMessage()
                            + "); the value is shown as text");
        }
        return new Decoded(this.mapper.getNodeFactory().stringNode(""), DataKind.VALUE,
                "the znode is empty, which is not JSON; the value is shown as an empty text");
    }

    /** A znode's data: its JSON (text when undecodable), its kind and, when it is not JSON, why. */
    record Decoded(JsonNode value, DataKind kind, String problem) {
    }
}
