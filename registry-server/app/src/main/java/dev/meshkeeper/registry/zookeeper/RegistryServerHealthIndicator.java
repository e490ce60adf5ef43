package dev.meshkeeper.registry.zookeeper;

import dev.meshkeeper.registry.server.RegistryServer;
import dev.meshkeeper.registry.server.ServerStatus;
import java.util.Locale;
import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;

/**
 * UP while the ZooKeeper server serves clients, with its role (standalone, leader, follower, observer); DOWN
 * while it is stopped or, in an ensemble, looking for a leader.
 */
class RegistryServerHealthIndicator extends AbstractHealthIndicator {

    private final RegistryServer server;

    RegistryServerHealthIndicator(RegistryServer server) {
        super("ZooKeeper server health check failed");
        this.server = server;
    }

    @Override
    protected void doHealthCheck(Health.Builder builder) {
        ServerStatus status = this.server.status();
        builder.status(status.serving() ? org.springframework.boot.health.contributor.Status.UP
                : org.springframework.boot.health.contributor.Status.DOWN);
        builder.withDetail("role", status.role().name().toLowerCase(Locale.ROOT))
                .withDetail("serving", status.serving()).withDetail("clientPort", this.server.clientPort());
        this.server.secureClientPort().ifPresent(port -> builder.withDetail("secureClientPort", port));
        if (this.server.settings().isEnsemble()) {
            builder.withDetail("ensemble", this.server.ensembleConnectString());
        }
        this.server.statistics().ifPresent(statistics -> builder.withDetail("znodes", statistics.znodeCount())
                .withDetail("connections", statistics.aliveConnections())
                .withDetail("watches", statistics.watchCount()));
    }
}
