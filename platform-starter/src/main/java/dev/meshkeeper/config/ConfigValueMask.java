package dev.meshkeeper.config;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.springframework.boot.actuate.endpoint.SanitizableData;
import org.springframework.boot.actuate.endpoint.Sanitizer;
import org.springframework.boot.actuate.endpoint.SanitizingFunction;
import org.springframework.core.env.PropertySource;

/**
 * Masks config values before they reach a log line, an event or the actuator endpoint. With Spring Boot's actuator
 * on the class path the application's {@link SanitizingFunction} beans apply, followed by Boot's own
 * "likely sensitive" rule; without it, keys that look like secrets are masked.
 */
@FunctionalInterface
interface ConfigValueMask {

    /** Replacement for a masked value (the same as Spring Boot's actuator endpoints show). */
    String MASKED = "******";

    /** The value to show for {@code key} found in {@code source}; {@code null} stays {@code null}. */
    String mask(PropertySource<?> source, String key, String value);

    /** Masks keys containing password, secret, key, token, credential(s) or vcap_services. */
    static ConfigValueMask byKeyName() {
        Pattern sensitive = Pattern.compile(".*(password|secret|key|token|credentials?|vcap_services).*",
                Pattern.CASE_INSENSITIVE);
        return (source, key, value) -> (value == null || !sensitive.matcher(key).matches()) ? value : MASKED;
    }

    /** Boot's {@link Sanitizer} with the given functions first, then {@code ifLikelySensitive()}. */
    static ConfigValueMask sanitizer(List<SanitizingFunction> functions) {
        List<SanitizingFunction> all = new ArrayList<>(functions);
        all.add(SanitizingFunction.sanitizeValue().ifLikelySensitive());
        Sanitizer sanitizer = new Sanitizer(all);
        return (source, key, value) -> (value == null) ? null
                : String.valueOf(sanitizer.sanitize(new SanitizableData(source, key, value), true));
    }
}
