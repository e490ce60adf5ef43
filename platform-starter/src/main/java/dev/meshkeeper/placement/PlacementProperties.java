package dev.meshkeeper.placement;

import dev.meshkeeper.InvalidMeshkeeperPropertyException;
import dev.meshkeeper.ValidatedProperties;
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

    public Map<String, Group> getGroups() {
        return this.groups;
    }

    public void setGroups(Map<String, Group> groups) {
        this.groups = groups;
    }

    @Override
    public void validate() {
        ValidatedProperties.requireZnodePath("meshkeeper.placement.root", this.root, "/meshkeeper/placement");
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
