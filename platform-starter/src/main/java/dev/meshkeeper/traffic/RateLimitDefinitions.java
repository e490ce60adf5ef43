package dev.meshkeeper.traffic;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.springframework.core.env.Environment;

/**
 * Turns the bound {@link TrafficProperties} into the definitions of the limits, reading the rate of a limit with a
 * {@code rate-property} from the property it names. The {@code meshkeeper.traffic.rate-limits.*} values themselves
 * were validated when they were bound ({@link TrafficProperties#validate()}); the value of a referenced property
 * belongs to the application and is checked here.
 */
final class RateLimitDefinitions {

    private final Environment environment;

    RateLimitDefinitions(Environment environment) {
        this.environment = environment;
    }

    /**
     * The definitions of every configured limit, in declaration order.
     * @throws InvalidRateLimitException when a value cannot work
     */
    Map<String, ClusterRateLimits.Definition> of(TrafficProperties properties) {
        Map<String, ClusterRateLimits.Definition> definitions = new LinkedHashMap<>();
        properties.getRateLimits().forEach((name, limit) -> definitions.put(name, define(name, limit)));
        return definitions;
    }

    /**
     * The definition of one limit.
     * @throws InvalidRateLimitException when a value cannot work
     */
    @SuppressWarnings("deprecation")
    ClusterRateLimits.Definition define(String name, TrafficProperties.RateLimit limit) {
        String base = TrafficProperties.PREFIX + ".rate-limits." + name;
        limit.validate(base);
        Double rate = limit.getRate();
        String rateProperty = limit.getRateProperty();
        if (rateProperty != null && !rateProperty.isBlank()) {
            String rateKey = rateProperty.trim();
            String raw = this.environment.getProperty(rateKey);
            rate = null;
            if (raw != null && !raw.isBlank()) {
                try {
                    rate = Double.valueOf(raw.trim());
                }
                catch (NumberFormatException ex) {
                    throw TrafficProperties.RateLimit.invalidRate(rateKey, raw, "is not a number");
                }
                if (rate.isNaN() || rate.isInfinite() || rate < 0) {
                    throw TrafficProperties.RateLimit.invalidRate(rateKey, rate, "is not a rate");
                }
            }
        }
        String path = (limit.getPath() != null && !limit.getPath().isBlank()) ? limit.getPath().trim() : null;
        Set<String> methods = limit.getMethods().stream().map((m) -> m.trim().toUpperCase(Locale.ROOT))
                .filter((m) -> !m.isEmpty()).collect(Collectors.toUnmodifiableSet());
        return new ClusterRateLimits.Definition(name, path, methods, rate, limit.getBurst(), rateProperty);
    }
}
