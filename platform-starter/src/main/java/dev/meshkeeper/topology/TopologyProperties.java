package dev.meshkeeper.topology;

import dev.meshkeeper.InvalidMeshkeeperPropertyException;
import dev.meshkeeper.ValidatedProperties;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The observed topology ({@code meshkeeper.topology.*}): each instance reports the calls it makes and serves in one
 * ephemeral node, written at most once per interval and only when its figures moved.
 */
@ConfigurationProperties("meshkeeper.topology")
public class TopologyProperties implements ValidatedProperties {

    /** Whether this instance reports its calls and server figures to the registry. */
    private boolean enabled = true;

    /** Shortest time between two writes of this instance's topology node (it is written only when it changed). */
    private Duration interval = Duration.ofSeconds(5);

    /** ZooKeeper path under which the topology nodes are written (the registry's meshkeeper.registry.topology.root). */
    private String root = "/meshkeeper/topology";

    public boolean isEnabled() {
        return this.enabled;
    }

    public void setEnabled(boolean enabled) {
        this.enabled = enabled;
    }

    public Duration getInterval() {
        return this.interval;
    }

    public void setInterval(Duration interval) {
        this.interval = interval;
    }

    public String getRoot() {
        return this.root;
    }

    public void setRoot(String root) {
        this.root = root;
    }

    @Override
    public void validate() {
        if (this.interval == null || this.interval.toMillis() < 100) {
            throw new InvalidMeshkeeperPropertyException("meshkeeper.topology.interval", this.interval,
                    "is shorter than 100ms",
                    "Set meshkeeper.topology.interval to a duration such as 5s (every instance writes at most once "
                            + "per interval).");
        }
        ValidatedProperties.requireZnodePath("meshkeeper.topology.root", this.root, "/meshkeeper/topology");
    }
}
