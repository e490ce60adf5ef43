package dev.meshkeeper.registry.api;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.time.Duration;
import java.util.List;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code GET /api/v1/topology}: the services and the calls between them as the instances report them (last 60 s);
 * {@code GET /api/v1/services/{service}/instances/{id}/history?minutes=15}: an instance's recent load, in-flight
 * requests, p99 latency and status, kept in memory by this registry server (lost on its restart).
 */
@Tag(name = "topology")
@RestController
@ConditionalOnBooleanProperty(name = "meshkeeper.registry.topology.enabled", matchIfMissing = true)
class TopologyController {

    private final TopologyView topology;

    private final ServiceStore services;

    TopologyController(TopologyView topology, ServiceStore services) {
        this.topology = topology;
        this.services = services;
    }

    @Operation(operationId = "getTopology", summary = "The observed service map: services and the calls between them")
    @GetMapping(path = "/api/v1/topology", produces = MediaType.APPLICATION_JSON_VALUE)
    TopologyView.Topology topology() throws Exception {
        return this.topology.topology();
    }

    @Operation(operationId = "getInstanceHistory",
            summary = "An instance's recent load, in-flight requests, p99 latency and status")
    @GetMapping(path = "/api/v1/services/{service}/instances/{id}/history", produces = MediaType.APPLICATION_JSON_VALUE)
    History history(@PathVariable String service, @PathVariable String id,
            @RequestParam(name = "minutes", required = false) String minutes) throws Exception {
        int span = minutes(minutes);
        List<InstanceHistory.Point> points = this.topology.history(service, id, Duration.ofMinutes(span));
        if (points.isEmpty()) {
            // 404 (with the reason) unless the instance is registered and simply has no samples yet
            this.services.instance(service, id);
        }
        return new History(service, id, points);
    }

    private static int minutes(String text) {
        if (text == null || text.isBlank()) {
            return 15;
        }
        int minutes;
        try {
            minutes = Integer.parseInt(text.trim());
        }
        catch (NumberFormatException ex) {
            minutes = -1;
        }
        if (minutes < 1 || minutes > InstanceHistory.MAX_MINUTES) {
            throw AdminApiException.badRequest("minutes", "minutes '" + text + "' is out of range; the registry keeps "
                    + "at most " + InstanceHistory.MAX_MINUTES + " minutes of history per instance: use 1 to "
                    + InstanceHistory.MAX_MINUTES + " (default 15)");
        }
        return minutes;
    }

    /** An instance's history, oldest point first. */
    @Schema(name = "InstanceHistory")
    record History(String service, String instance, List<InstanceHistory.Point> points) {
    }
}
