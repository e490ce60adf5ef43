package dev.meshkeeper.zookeeper;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import org.apache.curator.framework.CuratorFramework;
import org.springframework.boot.health.contributor.Health;
import org.springframework.cloud.zookeeper.ZookeeperHealthIndicator;

/**
 * Spring Cloud Zookeeper's {@code zookeeper} health indicator, made tolerant: it stays UP through an outage
 * shorter than {@code meshkeeper.zookeeper.outage-tolerance} (reporting the outage in its details) and goes DOWN
 * once the outage lasts longer. Discovery caches and configuration keep serving their last values through an
 * outage, so a blink of the registry must not take the instance out of rotation. It never talks to ZooKeeper: the
 * answer comes from the connection state Curator reports, so a health check never blocks on a dead connection.
 */
public class ZooKeeperOutageHealthIndicator extends ZookeeperHealthIndicator {

    private final CuratorFramework curator;

    private final ZooKeeperConnectionMonitor monitor;

    private final Duration tolerance;

    private final Clock clock;

    public ZooKeeperOutageHealthIndicator(CuratorFramework curator, ZooKeeperConnectionMonitor monitor,
            Duration tolerance, Clock clock) {
        super(curator);
        this.curator = curator;
        this.monitor = monitor;
        this.tolerance = tolerance;
        this.clock = clock;
    }

    @Override
    protected void doHealthCheck(Health.Builder builder) {
        builder.withDetail("connectionString", this.curator.getZookeeperClient().getCurrentConnectionString())
                .withDetail("state", String.valueOf(this.monitor.currentState()));
        Instant since = this.monitor.outageSince();
        if (since == null) {
            builder.up();
            return;
        }
        Duration outage = Duration.between(since, this.clock.instant());
        builder.withDetail("outage", outage.toString()).withDetail("outageTolerance", this.tolerance.toString());
        if (outage.compareTo(this.tolerance) < 0) {
            builder.up();
        }
        else {
            builder.down().withDetail("error", "no ZooKeeper connection for " + outage + " (tolerance "
                    + this.tolerance + ")");
        }
    }
}
