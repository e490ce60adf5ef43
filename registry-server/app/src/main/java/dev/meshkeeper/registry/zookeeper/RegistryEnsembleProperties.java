package dev.meshkeeper.registry.zookeeper;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Membership in a ZooKeeper ensemble ({@code meshkeeper.registry.ensemble.*}), bound as
 * {@link RegistryProperties.Ensemble}; standalone when no members are listed.
 */
public class RegistryEnsembleProperties {

    /** This member's id (ZooKeeper's myid), 1..255; required when members are listed. */
    @Min(1)
    @Max(255)
    private Integer myId;

    /**
     * Every member of the ensemble, this one included, by id, in ZooKeeper's server.N syntax:
     * host:quorumPort:electionPort[;clientPort].
     */
    private final Map<String, String> members = new LinkedHashMap<>();

    public Integer getMyId() {
        return this.myId;
    }

    public void setMyId(Integer myId) {
        this.myId = myId;
    }

    public Map<String, String> getMembers() {
        return this.members;
    }
}
