package dev.meshkeeper.registry.api;

import java.util.regex.Pattern;
import org.springframework.http.HttpStatus;
import tools.jackson.databind.JsonNode;

/**
 * The rules of a shared data write: names and keys, the size and range of what is written, and that a write keeps
 * the kind of what is there (a map stays a map, a counter a counter, a value a value). A broken rule is a 400 or
 * 409 naming the data, the value and what to send instead.
 */
final class DataValidation {

    static final Pattern NAME = Pattern.compile("[A-Za-z0-9_-][A-Za-z0-9._-]{0,127}");

    private DataValidation() {
    }

    static void validate(String name, String field) {
        if (name == null || !NAME.matcher(name).matches()) {
            String what = field.equals("key") ? "map key" : "data name";
            throw AdminApiException.badRequest(field, what + " '" + name + "' is not allowed: use 1 to 128 letters, "
                    + "digits, '.', '_' or '-', not starting with '.' (pattern [A-Za-z0-9_-][A-Za-z0-9._-]{0,127}), "
                    + "e.g. inventory-stock");
        }
    }

    /** The znode data for {@code value}, at most {@code maxBytes}; a bare integer must fit a 64-bit counter. */
    static byte[] encode(DataJson json, JsonNode value, String what, long maxBytes) {
        if (value.isIntegralNumber() && !value.canConvertToLong()) {
            throw AdminApiException.badRequest("body", "the integer " + value + " is out of range: a bare integer is "
                    + "stored as a counter, and counters are 64-bit; send it as a string or decimal");
        }
        byte[] data = json.encode(value);
        if (data.length > maxBytes) {
            throw AdminApiException.badRequest("body", what + " would hold " + data.length + " bytes of JSON, over "
                    + "meshkeeper.registry.data.max-value-size (" + maxBytes + " bytes); store large content "
                    + "elsewhere and reference it");
        }
        return data;
    }

    /** Whether a whole-value write of kind {@code written} may replace data of kind {@code current}. */
    static void checkKind(String name, DataKind current, DataKind written) {
        String readPath = DataTree.readPath(name);
        if (current == DataKind.MAP) {
            throw kindConflict("data '" + name + "' is a map, not a " + written.label()
                    + ": write its entries with PUT " + readPath + "/{key}, or delete the map first");
        }
        if (current == DataKind.COUNTER && written != DataKind.COUNTER) {
            throw AdminApiException.badRequest("body", "data '" + name + "' is a counter: what is written to it "
                    + "must be a bare JSON integer, e.g. 42; delete it first to store a value of another kind");
        }
        if (current == DataKind.VALUE && written == DataKind.COUNTER) {
            throw kindConflict("data '" + name + "' is a value, not a counter: a bare integer would turn it into a "
                    + "counter; write a decimal (e.g. 2.0) or other JSON, or delete it first to make a counter");
        }
    }

    static AdminApiException kindConflict(String detail) {
        return new AdminApiException(HttpStatus.CONFLICT, "Kind conflict", detail + "; nothing was changed", null);
    }
}
