package dev.meshkeeper.traffic;

import io.github.resilience4j.ratelimiter.RateLimiter;
import io.github.resilience4j.ratelimiter.RateLimiterConfig;
import io.github.resilience4j.ratelimiter.internal.AtomicRateLimiter;
import java.time.Duration;

/**
 * The Resilience4j limiter that enforces this instance's share of one cluster-wide limit, and the decision of one
 * request against it. A decision reads memory only.
 */
final class LocalRateLimiters {

    private static final int MAX_PERMITS = 1 << 24;

    private LocalRateLimiters() {
    }

    /** The limit in force for {@code fraction} of the global rate of {@code definition}. */
    static ClusterRateLimits.Limit build(ClusterRateLimits.Definition definition, double fraction) {
        if (definition.rate() == null) {
            return new ClusterRateLimits.Limit(definition, Double.POSITIVE_INFINITY, null);
        }
        double localRate = definition.rate() * fraction;
        if (localRate <= 0) {
            return new ClusterRateLimits.Limit(definition, 0, null);
        }
        double globalBurst = (definition.burst() != null) ? definition.burst() : definition.rate();
        int permits = (int) Math.max(1, Math.min(MAX_PERMITS, Math.round(globalBurst * fraction)));
        long periodNanos = Math.max(1, Math.round(permits * 1_000_000_000d / localRate));
        RateLimiterConfig config = RateLimiterConfig.custom()
                .limitForPeriod(permits)
                .limitRefreshPeriod(Duration.ofNanos(periodNanos))
                .timeoutDuration(Duration.ZERO)
                .build();
        return new ClusterRateLimits.Limit(definition, localRate, new AtomicRateLimiter(definition.name(), config));
    }

    /** Admits or rejects one request under {@code limit}; a rejection says when to try again. */
    static ClusterRateLimits.Admission decide(ClusterRateLimits.Limit limit) {
        if (limit.unlimited()) {
            return ClusterRateLimits.Admission.ADMITTED;
        }
        RateLimiter limiter = limit.limiter();
        if (limiter == null) {
            return new ClusterRateLimits.Admission(false, Duration.ofSeconds(1));
        }
        if (limiter.acquirePermission()) {
            return ClusterRateLimits.Admission.ADMITTED;
        }
        long nanos = (limiter instanceof AtomicRateLimiter atomic) ? atomic.getDetailedMetrics().getNanosToWait()
                : limiter.getRateLimiterConfig().getLimitRefreshPeriod().toNanos();
        return new ClusterRateLimits.Admission(false, Duration.ofNanos(Math.max(nanos, 0)));
    }
}
