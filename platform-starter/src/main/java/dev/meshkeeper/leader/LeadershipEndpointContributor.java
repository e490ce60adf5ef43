package dev.meshkeeper.leader;

import dev.meshkeeper.actuate.MeshkeeperEndpointContributor;
import java.util.LinkedHashMap;
import java.util.Map;

/** The {@code leadership} section of the {@code meshkeeper} endpoint: per group, leader? and the current leader. */
class LeadershipEndpointContributor implements MeshkeeperEndpointContributor {

    private final ClusterLeadership leadership;

    LeadershipEndpointContributor(ClusterLeadership leadership) {
        this.leadership = leadership;
    }

    @Override
    public String name() {
        return "leadership";
    }

    @Override
    public Object describe() {
        Map<String, Object> section = new LinkedHashMap<>();
        for (String group : this.leadership.groups()) {
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("leader", this.leadership.isLeader(group));
            entry.put("currentLeader", this.leadership.currentLeader(group).orElse(null));
            section.put(group, entry);
        }
        return section;
    }
}
