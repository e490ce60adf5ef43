package dev.meshkeeper.registry.api;

import dev.meshkeeper.registry.api.CoordinationStore.LeaderGroup;
import dev.meshkeeper.registry.api.CoordinationStore.LockView;
import dev.meshkeeper.registry.server.RegistryServer;
import dev.meshkeeper.registry.server.ServerStatistics;
import dev.meshkeeper.registry.server.ServerStatus;
import dev.meshkeeper.registry.zookeeper.RegistryAuthentication;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.beans.factory.ObjectProvider;
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

    private final RegistryAuthentication authentication;

    CoordinationController(CoordinationStore store, RegistryServer server,
            ObjectProvider<RegistryAuthentication> authentication) {
        this.store = store;
        this.server = server;
        this.authentication = authentication.getIfAvailable();
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
        cluster.put("zookeeperAuthentication", zookeeperAuthentication());
        cluster.put("statistics", this.server.statistics().map(CoordinationController::statistics).orElse(null));
        return cluster;
    }

    /** What ZooKeeper demands of its clients (meshkeeper.registry.auth.*); never a secret. */
    private Map<String, Object> zookeeperAuthentication() {
        boolean enabled = this.authentication != null && this.authentication.isEnabled();
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("enabled", enabled);
        view.put("required", enabled && this.authentication.isRequireAuthentication());
        view.put("applications", enabled ? List.copyOf(this.authentication.applications()) : List.of());
        return view;
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
