package dev.meshkeeper.registry.api;

import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.annotation.Validated;

/** The observed topology the applications report, and the per-instance history kept in memory. */
@ConfigurationProperties("meshkeeper.registry.topology")
@Validated
public class TopologyProperties {

    /** Whether the registry reads the applications' topology nodes and serves the topology and history APIs. */
    private boolean enabled = true;

    /** ZooKeeper path of the topology nodes (the applications' meshkeeper.topology.root). */
    @NotNull
    @Pattern(regexp = "/[^/]+(/[^/]+)*", message = "must be an absolute ZooKeeper path such as /meshkeeper/topology")
    private String root = "/meshkeeper/topology";

    /** How often every instance's load, in-flight requests, latency and status are added to its history. */
    @NotNull
    private Duration sampleInterval = Duration.ofSeconds(10);

    /** Shortest time between two topology events on the event stream. */
    @NotNull
    private Duration eventInterval = Duration.ofSeconds(2);

    public boolean isEnabled() {
        return this.enabled;
    }

    public void setEnabled(boolean enabled) {
        this.enabled = enabled;
    }

    public String getRoot() {
        return this.root;
    }

    public void setRoot(String root) {
        this.root = root;
    }

    public Duration getSampleInterval() {
        return this.sampleInterval;
    }

    public void setSampleInterval(Duration sampleInterval) {
        this.sampleInterval = sampleInterval;
    }

    public Duration getEventInterval() {
        return this.eventInterval;
    }

    public void setEventInterval(Duration eventInterval) {
        this.eventInterval = eventInterval;
    }
}
