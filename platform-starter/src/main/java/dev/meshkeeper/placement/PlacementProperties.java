package dev.meshkeeper.placement;

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
