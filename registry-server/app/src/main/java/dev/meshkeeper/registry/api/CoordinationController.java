package dev.meshkeeper.registry.api;

import dev.meshkeeper.registry.api.CoordinationStore.LeaderGroup;
import dev.meshkeeper.registry.api.CoordinationStore.LockView;
import dev.meshkeeper.registry.server.RegistryServer;
import dev.meshkeeper.registry.server.ServerStatistics;
import dev.meshkeeper.registry.server.ServerStatus;
import dev.meshkeeper.registry.zookeeper.RegistryAuthentication;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * Read-only views of the cluster's coordination state: {@code /api/v1/locks}, {@code /api/v1/leaders} and
 * {@code /api/v1/cluster} (this registry server's ZooKeeper role and statistics).
 */
@Tag(name = "coordination")
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

    @Operation(operationId = "listLocks", summary = "Every lock with holder, fencing token and waiters")
    @GetMapping("/locks")
    Locks locks() throws Exception {
        return new Locks(this.store.locks());
    }

    @Operation(operationId = "listLeaderGroups", summary = "Every leader group with its leader and members")
    @GetMapping("/leaders")
    LeaderGroups leaders() throws Exception {
        return new LeaderGroups(this.store.leaders());
    }

    @Operation(operationId = "getCluster", summary = "This registry server's ZooKeeper role and statistics")
    @GetMapping("/cluster")
    Cluster cluster() {
        ServerStatus status = this.server.status();
        return new Cluster(status.role().name().toLowerCase(), status.serving(),
                this.server.settings().clientPortEnabled() ? this.server.clientPort() : null,
                this.server.secureClientPort().isPresent() ? this.server.secureClientPort().getAsInt() : null,
                this.server.settings().isEnsemble() ? this.server.ensembleConnectString() : null,
                zookeeperAuthentication(), this.server.statistics().map(Statistics::of).orElse(null));
    }

    /** What ZooKeeper demands of its clients (meshkeeper.registry.auth.*); never a secret. */
    private ZooKeeperAuthentication zookeeperAuthentication() {
        boolean enabled = this.authentication != null && this.authentication.isEnabled();
        return new ZooKeeperAuthentication(enabled, enabled && this.authentication.isRequireAuthentication(),
                enabled ? List.copyOf(this.authentication.applications()) : List.of());
    }

    record Locks(List<LockView> locks) {
    }

    record LeaderGroups(List<LeaderGroup> groups) {
    }

    record Cluster(String role, boolean serving, @Nullable Integer clientPort, @Nullable Integer secureClientPort,
            @Nullable String ensemble, ZooKeeperAuthentication zookeeperAuthentication,
            @Nullable Statistics statistics) {
    }

    record ZooKeeperAuthentication(boolean enabled, boolean required, List<String> applications) {
    }

    record Statistics(long znodeCount, long watchCount, long ephemeralCount, long approximateDataSize,
            long aliveConnections, long outstandingRequests, long minLatencyMillis, double avgLatencyMillis,
            long maxLatencyMillis) {

        static Statistics of(ServerStatistics statistics) {
            return new Statistics(statistics.znodeCount(), statistics.watchCount(), statistics.ephemeralCount(),
                    statistics.approximateDataSize(), statistics.aliveConnections(),
                    statistics.outstandingRequests(), statistics.minLatencyMillis(),
                    statistics.avgLatencyMillis(), statistics.maxLatencyMillis());
        }
    }
}
