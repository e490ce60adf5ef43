package dev.meshkeeper.zookeeper;

import dev.meshkeeper.InvalidMeshkeeperPropertyException;
import dev.meshkeeper.ValidatedProperties;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Meshkeeper's use of the application's single ZooKeeper connection (Spring Cloud Zookeeper's
 * {@code CuratorFramework}, configured under {@code spring.cloud.zookeeper.*}).
 */
@ConfigurationProperties("meshkeeper.zookeeper")
public class ZooKeeperConnectionProperties implements ValidatedProperties {

    /** Whether connection-state events and meters are published. */
    private boolean enabled = true;

    /**
     * How long a ZooKeeper outage may last before the 'zookeeper' health indicator reports DOWN. Discovery and
     * configuration keep serving their last values meanwhile; locks and leadership are void from the first moment.
     */
    private Duration outageTolerance = Duration.ofSeconds(30);

    /**
     * The longest an application thread waits for one ZooKeeper request Meshkeeper makes for it (registration and
     * status writes, lock node creation, config and shared-data writes, lookups). While the connection is
     * suspended or lost, writes fail at once instead. Longer rides out a slow server; shorter fails sooner.
     */
    private Duration operationTimeout = Duration.ofSeconds(1);

    public boolean isEnabled() {
        return this.enabled;
    }

    public void setEnabled(boolean enabled) {
        this.enabled = enabled;
    }

    public Duration getOperationTimeout() {
        return this.operationTimeout;
    }

    public void setOperationTimeout(Duration operationTimeout) {
        this.operationTimeout = operationTimeout;
    }

    public Duration getOutageTolerance() {
        return this.outageTolerance;
    }

    public void setOutageTolerance(Duration outageTolerance) {
        this.outageTolerance = outageTolerance;
    }

    @Override
    public void validate() {
        if (this.operationTimeout == null || this.operationTimeout.isNegative() || this.operationTimeout.isZero()) {
            throw new InvalidMeshkeeperPropertyException("meshkeeper.zookeeper.operation-timeout",
                    this.operationTimeout, "is not a positive duration",
                    "Set meshkeeper.zookeeper.operation-timeout to a duration such as 1s.");
        }
        ValidatedProperties.requireNotNegative("meshkeeper.zookeeper.outage-tolerance", this.outageTolerance, "30s");
    }
}
