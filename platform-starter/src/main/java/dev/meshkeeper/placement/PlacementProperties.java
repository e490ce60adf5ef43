package dev.meshkeeper.placement;

import dev.meshkeeper.InvalidMeshkeeperPropertyException;
import dev.meshkeeper.ValidatedProperties;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;

/** Work placement: named work shared across the live instances of an application ({@code meshkeeper.placement.*}). */
@ConfigurationProperties("meshkeeper.placement")
public class PlacementProperties implements ValidatedProperties {

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

    @Override
    public void validate() {
        ValidatedProperties.requireZnodePath("meshkeeper.placement.root", this.root, "/meshkeeper/placement");
        if (this.loadCheckInterval == null || this.loadCheckInterval.isNegative() || this.loadCheckInterval.isZero()) {
            throw new InvalidMeshkeeperPropertyException("meshkeeper.placement.load-check-interval",
                    this.loadCheckInterval, "is not a positive duration",
                    "Set meshkeeper.placement.load-check-interval to a duration such as 5s.");
        }
        this.groups.forEach((group, declared) -> {
            String key = "meshkeeper.placement.groups." + group;
            Integer partitions = (declared != null) ? declared.getPartitions() : null;
            if (partitions == null || partitions < 1) {
                throw new InvalidMeshkeeperPropertyException(key + ".partitions", partitions,
                        "is not 1 or more: a work group needs 1 or more partitions",
                        "Declare the partitions of the group, e.g. " + key + ".partitions=12.");
            }
            Integer weight = declared.getWeight();
            if (weight != null && weight < 1) {
                throw new InvalidMeshkeeperPropertyException(key + ".weight", weight,
                        "is below 1: a member's weight must be 1 or more",
                        "Write e.g. " + key + ".weight=1, or leave it unset for the default weight.");
            }
        });
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
