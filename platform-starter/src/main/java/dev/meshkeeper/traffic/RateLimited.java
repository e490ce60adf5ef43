package dev.meshkeeper.traffic;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Puts a Spring MVC handler method (or every handler of a controller) under the cluster-wide rate limit
 * {@code meshkeeper.traffic.rate-limits.<name>}. Each instance admits its share of the limit's rate (by weight,
 * among the live instances of its own service); a request over the share gets {@code 429 Too Many Requests} as
 * problem details with {@code Retry-After}. A name without a configured rate admits everything.
 */
@Target({ ElementType.METHOD, ElementType.TYPE })
@Retention(RetentionPolicy.RUNTIME)
@Documented
public @interface RateLimited {

    /** The limit's name under {@code meshkeeper.traffic.rate-limits}. */
    String value();
}
