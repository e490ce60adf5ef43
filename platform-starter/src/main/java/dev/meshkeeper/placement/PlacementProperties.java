package dev.meshkeeper.placement;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;

/** Work placement: named work shared across the live instances of an application ({@code meshkeeper.placement.*}). */
@ConfigurationProperties("meshkeeper.placement")
public class PlacementProperties {

    /** Whether the WorkPlacement bean is available and the declared work groups are joined at start-up. */
    private boolean enabled = true;

    /** Parent znode of all work groups; group "billing" lives under {root}/billing. */
    private String root = "/meshkeeper/placement";

    /**
     * Whether a member's share also follows the load this instance publishes (meshkeeper.load.*, the "load"
     * registration metadata): from a load of 0.5 up a member gets fewer items. No effect when no load is published.
     */
    private boolean useLoad = true;

    /** How often a member looks at its load; it rewrites its member node only when its share changes. */
    private Duration loadCheckInterval = Duration.ofSeconds(5);

    /** Work groups this instance joins at start-up, by name (one znode name, e.g. order-processing). */
    private Map<String, Group> groups = new LinkedHashMap<>();

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

    public boolean isUseLoad() {
        return this.useLoad;
    }

    public void setUseLoad(boolean useLoad) {
        this.useLoad = useLoad;
    }

    public Duration getLoadCheckInterval() {
        return this.loadCheckInterval;
    }

    public void setLoadCheckInterval(Duration loadCheckInterval) {
        this.loadCheckInterval = loadCheckInterval;
    }

    public Map<String, Group> getGroups() {
        return this.groups;
    }

    public void setGroups(Map<String, Group> groups) {
        this.groups = groups;
    }

    /** One work group. */
    public static class Group {

        /** Number of partitions; the group's items are "0" to "partitions - 1". Required, 1 or more. */
        private Integer partitions;

        /**
         * This instance's share relative to the other members (1 or more); unset uses meshkeeper.discovery.weight,
         * else 1.
         */
        private Integer weight;

        public Integer getPartitions() {
            return this.partitions;
        }

        public void setPartitions(Integer partitions) {
            this.partitions = partitions;
        }

        public Integer getWeight() {
            return this.weight;
        }

        public void setWeight(Integer weight) {
            this.weight = weight;
        }
    }
}
