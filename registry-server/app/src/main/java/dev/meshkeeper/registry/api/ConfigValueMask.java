package dev.meshkeeper.registry.api;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.boot.actuate.endpoint.SanitizableData;
import org.springframework.boot.actuate.endpoint.Sanitizer;
import org.springframework.boot.actuate.endpoint.SanitizingFunction;

/**
 * Masks secret-looking config values for callers who may only read (the viewer role), with the rules the starter
 * applies to its logs, events and actuator endpoint: the registry's own {@link SanitizingFunction} beans first, then
 * Spring Boot's "likely sensitive" rule (keys containing password, secret, key, token, credential(s), URIs, ...).
 * Operators, who may change the values, see them as they are.
 */
final class ConfigValueMask {

    /** What a masked value shows (the same as Spring Boot's actuator endpoints). */
    static final String MASKED = SanitizableData.SANITIZED_VALUE;

    private final Sanitizer sanitizer;

    ConfigValueMask(List<SanitizingFunction> functions) {
        List<SanitizingFunction> all = new ArrayList<>(functions);
        all.add(SanitizingFunction.sanitizeValue().ifLikelySensitive());
        this.sanitizer = new Sanitizer(all);
    }

    /** The value to show for {@code key}; {@code null} stays {@code null}. */
    String mask(String key, String value) {
        return (value == null || key == null) ? value
                : String.valueOf(this.sanitizer.sanitize(new SanitizableData(null, key, value), true));
    }

    Map<String, String> mask(Map<String, String> values) {
        Map<String, String> masked = new LinkedHashMap<>();
        values.forEach((key, value) -> masked.put(key, mask(key, value)));
        return masked;
    }

    ConfigStore.Change mask(ConfigStore.Change change) {
        if (change == null) {
            return null;
        }
        return new ConfigStore.Change(change.version(), change.who(), change.when(), change.operation(),
                change.rollbackOf(), change.changes().stream().map(this::mask).toList());
    }

    ConfigStore.KeyChange mask(ConfigStore.KeyChange change) {
        return new ConfigStore.KeyChange(change.key(), mask(change.key(), change.oldValue()),
                mask(change.key(), change.newValue()));
    }
}
