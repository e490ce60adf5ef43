package dev.meshkeeper.registry.api;

import dev.meshkeeper.registry.api.CoordinationStore.LeaderGroup;
import dev.meshkeeper.registry.api.CoordinationStore.LockView;
import dev.meshkeeper.registry.server.RegistryServer;
import dev.meshkeeper.registry.server.ServerStatistics;
import dev.meshkeeper.registry.server.ServerStatus;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * Read-only views of the cluster's coordination state: {@code /api/v1/locks}, {@code /api/v1/leaders} and
 * {@code /api/v1/cluster} (this registry server's ZooKeeper role and statistics).
 */
@RestController
@RequestMapping(path = "/api/v1", produces = MediaType.APPLICATION_JSON_VALUE)
class CoordinationController {

    private final CoordinationStore store;

    private final RegistryServer server;

    CoordinationController(CoordinationStore store, RegistryServer server) {
        this.store = store;
        this.server = server;
    }

    @GetMapping("/locks")
    Map<String, List<LockView>> locks() throws Exception {
        return Map.of("locks", this.store.locks());
    }

    @GetMapping("/leaders")
    Map<String, List<LeaderGroup>> leaders() throws Exception {
        return Map.of("groups", this.store.leaders());
    }

    @GetMapping("/cluster")
    Map<String, Object> cluster() {
        ServerStatus status = this.server.status();
        Map<String, Object> cluster = new LinkedHashMap<>();
        cluster.put("role", status.role().name().toLowerCase());
        cluster.put("serving", status.serving());
        cluster.put("clientPort", this.server.settings().clientPortEnabled() ? this.server.clientPort() : null);
        cluster.put("secureClientPort", this.server.secureClientPort().isPresent()
                ? this.server.secureClientPort().getAsInt() : null);
        cluster.put("ensemble", this.server.settings().isEnsemble() ? this.server.ensembleConnectString() : null);
        cluster.put("statistics", this.server.statistics().map(CoordinationController::statistics).orElse(null));
        return cluster;
    }

    private static Map<String, Object> statistics(ServerStatistics statistics) {
        Map<String, Object> values = new LinkedHashMap<>();
        values.put("znodeCount", statistics.znodeCount());
        values.put("watchCount", statistics.watchCount());
        values.put("ephemeralCount", statistics.ephemeralCount());
        values.put("approximateDataSize", statistics.approximateDataSize());
        values.put("aliveConnections", statistics.aliveConnections());
        values.put("outstandingRequests", statistics.outstandingRequests());
        values.put("minLatencyMillis", statistics.minLatencyMillis());
        values.put("avgLatencyMillis", statistics.avgLatencyMillis());
        values.put("maxLatencyMillis", statistics.maxLatencyMillis());
        return values;
    }
}
