package dev.meshkeeper.leader;

import dev.meshkeeper.actuate.MeshkeeperEndpointContributor;

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
        return this.leadership.describe();
    }
}
