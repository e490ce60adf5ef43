package dev.meshkeeper.traffic;

import dev.meshkeeper.actuate.MeshkeeperEndpointContributor;
import java.util.LinkedHashMap;
import java.util.Map;

/** The {@code traffic} section of the {@code meshkeeper} endpoint: each rate limit, its global rate and local share. */
class TrafficEndpointContributor implements MeshkeeperEndpointContributor {

    private final ClusterRateLimits rateLimits;

    TrafficEndpointContributor(ClusterRateLimits rateLimits) {
        this.rateLimits = rateLimits;
    }

    @Override
    public String name() {
        return "traffic";
    }

    @Override
    public Object describe() {
        Map<String, Object> limits = new LinkedHashMap<>();
        this.rateLimits.limits().forEach((name, limit) -> {
            ClusterRateLimits.Definition definition = limit.definition();
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("path", definition.path());
            entry.put("methods", definition.methods());
            entry.put("rate", definition.rate());
            entry.put("burst", definition.burst());
            entry.put("rateProperty", definition.rateProperty());
            entry.put("localRate", limit.unlimited() ? null : limit.localRate());
            limits.put(name, entry);
        });
        Map<String, Object> section = new LinkedHashMap<>();
        section.put("share", this.rateLimits.fraction());
        section.put("rateLimits", limits);
        return section;
    }
}
