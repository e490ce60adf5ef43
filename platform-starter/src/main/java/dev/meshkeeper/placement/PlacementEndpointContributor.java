package dev.meshkeeper.placement;

import dev.meshkeeper.actuate.MeshkeeperEndpointContributor;

/**
 * The {@code placement} section of the {@code meshkeeper} endpoint: per work group, this member, the leader, the
 * generation and epoch, the owned items with their fencing tokens, and on the leader the members and recent changes.
 */
class PlacementEndpointContributor implements MeshkeeperEndpointContributor {

    private final WorkPlacement placement;

    PlacementEndpointContributor(WorkPlacement placement) {
        this.placement = placement;
    }

    @Override
    public String name() {
        return "placement";
    }

    @Override
    public Object describe() {
        return this.placement.describe();
    }
}
