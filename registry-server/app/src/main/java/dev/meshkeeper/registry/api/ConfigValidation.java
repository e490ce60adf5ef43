package dev.meshkeeper.registry.api;

import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The rules a config API request must follow before anything is read or written: context names, key names, and
 * values (present, and no larger than {@code meshkeeper.registry.config.max-value-size}). A broken rule is a 400
 * naming the request field, the value and what to send instead.
 */
final class ConfigValidation {

    static final Pattern KEY = Pattern.compile("[A-Za-z0-9_\\-\\[\\]]+(\\.[A-Za-z0-9_\\-\\[\\]]+)*");

    static final Pattern CONTEXT = Pattern.compile("[A-Za-z0-9_\\-.,]+");

    private ConfigValidation() {
    }

    /** Checks the keys and values of one write: keys to set with their values, and keys to delete. */
    static void validateWrite(Map<String, String> sets, Collection<String> deletes, long maxValueBytes) {
        for (Map.Entry<String, String> set : sets.entrySet()) {
            validateKey(set.getKey(), "properties");
            if (set.getValue() == null) {
                throw ConfigApiException.badRequest("properties." + set.getKey(),
                        "value of key '" + set.getKey() + "' is null; send a string (\"\" for empty) or delete the "
                                + "key with DELETE /api/v1/config/{context}/properties/" + set.getKey());
            }
            int size = set.getValue().getBytes(StandardCharsets.UTF_8).length;
            if (size > maxValueBytes) {
                throw ConfigApiException.badRequest("properties." + set.getKey(), "value of key '" + set.getKey()
                        + "' is " + size + " bytes, over meshkeeper.registry.config.max-value-size ("
                        + maxValueBytes + " bytes); store large content elsewhere and reference it");
            }
        }
        for (String key : deletes) {
            validateKey(key, "key");
        }
    }

    static void validateKey(String key, String field) {
        if (key == null || key.isBlank()) {
            throw ConfigApiException.badRequest(field, "config key is empty; use a property name such as "
                    + "orders.max-quantity");
        }
        if (!KEY.matcher(key).matches()) {
            throw ConfigApiException.badRequest(field, "config key '" + key + "' is not a property name: use "
                    + "letters, digits, '-', '_' and '[n]', separated by single dots (e.g. orders.max-quantity)");
        }
    }

    static void validateContext(String context) {
        if (context == null || context.isBlank() || !CONTEXT.matcher(context).matches() || context.equals(".")
                || context.equals("..")) {
            throw ConfigApiException.badRequest("context", "config context '" + context + "' is not a context "
                    + "name: use application, {app} or {app},{profile} (letters, digits, '-', '_', '.', ',')");
        }
    }
}
