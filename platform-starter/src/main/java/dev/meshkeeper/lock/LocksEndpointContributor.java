package dev.meshkeeper.lock;

import dev.meshkeeper.actuate.MeshkeeperEndpointContributor;
import java.util.LinkedHashMap;
import java.util.Map;

/** The {@code locks} section of the {@code meshkeeper} endpoint: leases held here and local waiters. */
class LocksEndpointContributor implements MeshkeeperEndpointContributor {

    private final DistributedLocks locks;

    LocksEndpointContributor(DistributedLocks locks) {
        this.locks = locks;
    }

    @Override
    public String name() {
        return "locks";
    }

    @Override
    public Object describe() {
        Map<String, Object> section = new LinkedHashMap<>();
        if (this.locks instanceof CuratorDistributedLocks curatorLocks) {
            section.put("held", curatorLocks.heldLeases());
            section.put("waiting", curatorLocks.waiters());
        }
        return section;
    }
}
