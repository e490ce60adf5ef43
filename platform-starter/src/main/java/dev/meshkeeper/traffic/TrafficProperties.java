package dev.meshkeeper.traffic;

import dev.meshkeeper.ValidatedProperties;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Traffic control ({@code meshkeeper.traffic.*}): cluster-wide rate limits, each instance enforcing its share of a
 * global quota, and (inherited from {@link ResilienceProperties}) retries and circuit breaking of load-balanced
 * calls. This is the one properties bean bound to the prefix. Changeable live (e.g. from
 * {@code /config/<application>/meshkeeper/traffic/rate-limits/<name>/rate} in ZooKeeper): the change is validated
 * before it is applied; an invalid value is rejected with a warning naming the property, and the last good value
 * stays in force.
 */
@ConfigurationProperties(TrafficProperties.PREFIX)
public class TrafficProperties extends ResilienceProperties implements ValidatedProperties {

    static final String PREFIX = "meshkeeper.traffic";

    /** Whether cluster-wide rate limits are enforced. */
    private boolean enabled = true;

    /** Rate limits by name; the name is what {@code @RateLimited} refers to and what the meters are tagged with. */
    private Map<String, RateLimit> rateLimits = new LinkedHashMap<>();

    public boolean isEnabled() {
        return this.enabled;
    }

    public void setEnabled(boolean enabled) {
        this.enabled = enabled;
    }

    public Map<String, RateLimit> getRateLimits() {
        return this.rateLimits;
    }

    public void setRateLimits(Map<String, RateLimit> rateLimits) {
        this.rateLimits = rateLimits;
    }

    @Override
    public void validate() {
        this.rateLimits.forEach((name, limit) -> {
            if (limit != null) {
                limit.validate(PREFIX + ".rate-limits." + name);
            }
        });
        validateCircuitBreakers();
    }

    /** One cluster-wide limit: a route (or {@code @RateLimited} handlers) and its global rate. */
    public static class RateLimit {

        /** Ant pattern of the request paths the limit applies to, e.g. /inventory/**; unset for @RateLimited only. */
        private String path;

        /** HTTP methods the limit applies to, e.g. GET,POST; empty means every method. */
        private List<String> methods = new ArrayList<>();

        /** Requests per second the whole service admits, shared among its live instances by weight. */
        private Double rate;

        /** Requests the whole service may admit at once on top of the steady rate; default: one second's worth. */
        private Double burst;

        /** Name of another property holding the rate (e.g. inventory.rate-limit); unset property means unlimited. */
        private String rateProperty;

        public String getPath() {
            return this.path;
        }

        public void setPath(String path) {
            this.path = path;
        }

        public List<String> getMethods() {
            return this.methods;
        }

        public void setMethods(List<String> methods) {
            this.methods = methods;
        }

        public Double getRate() {
            return this.rate;
        }

        public void setRate(Double rate) {
            this.rate = rate;
        }

        public Double getBurst() {
            return this.burst;
        }

        public void setBurst(Double burst) {
            this.burst = burst;
        }

        public String getRateProperty() {
            return this.rateProperty;
        }

        public void setRateProperty(String rateProperty) {
            this.rateProperty = rateProperty;
        }

        /** Checks the values of the limit whose properties start with {@code base}. */
        @SuppressWarnings("deprecation")
        void validate(String base) {
            if (this.rate != null && (this.rate.isNaN() || this.rate.isInfinite() || this.rate < 0)) {
                throw invalidRate(base + ".rate", this.rate, "is not a rate");
            }
            if (this.burst != null && (this.burst.isNaN() || this.burst.isInfinite() || this.burst < 1)) {
                throw new InvalidRateLimitException(base + ".burst", this.burst, "is not a burst size",
                        "Set " + base + ".burst to a number of requests >= 1, or leave it unset for one second's "
                                + "worth.");
            }
            if (this.path != null && !this.path.isBlank() && !this.path.trim().startsWith("/")) {
                throw new InvalidRateLimitException(base + ".path", this.path, "is not an Ant path pattern",
                        "Set " + base + ".path to an Ant pattern starting with '/', e.g. /inventory/**.");
            }
        }

        @SuppressWarnings("deprecation")
        static InvalidRateLimitException invalidRate(String key, Object value, String problem) {
            return new InvalidRateLimitException(key, value, problem, "Set " + key + " to a number of requests per "
                    + "second >= 0 for the whole service, or leave it unset for no limit.");
        }
    }
}
