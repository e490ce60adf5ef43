package dev.meshkeeper.traffic;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The meters of the rate limits: {@code meshkeeper.traffic.requests{limit,outcome}} counts decisions and
 * {@code meshkeeper.traffic.local-share{limit}} shows the requests per second this instance admits.
 */
final class RateLimitMeters {

    private final MeterRegistry registry;

    private final Map<String, Counter> counters = new ConcurrentHashMap<>();

    private final Set<String> gauges = ConcurrentHashMap.newKeySet();

    RateLimitMeters(MeterRegistry registry) {
        this.registry = registry;
    }

    /** Counts one decision under the named limit. */
    void count(String name, boolean admitted) {
        String outcome = admitted ? "admitted" : "rejected";
        this.counters.computeIfAbsent(name + '\u0000' + outcome, (key) -> Counter
                .builder("meshkeeper.traffic.requests")
                .description("Requests decided by a cluster-wide rate limit")
                .tag("limit", name)
                .tag("outcome", outcome)
                .register(this.registry)).increment();
    }

    /** Shows the local share of the named limit, once per name. */
    void showShare(String name, ClusterRateLimits limits) {
        if (this.gauges.add(name)) {
            Gauge.builder("meshkeeper.traffic.local-share", limits, (l) -> l.localRate(name))
                    .description("Requests per second this instance admits under a cluster-wide rate limit")
                    .tag("limit", name)
                    .register(this.registry);
        }
    }
}
