package dev.meshkeeper.actuate;

/**
 * One feature's section of the {@code meshkeeper} actuator endpoint. Each feature (connection, discovery, config,
 * locks, leadership, …) registers a bean of this type; the endpoint shows every section under its name.
 */
public interface MeshkeeperEndpointContributor {

    /** The section's key in the endpoint's JSON, e.g. {@code locks}. */
    String name();

    /** The section's content: a value Jackson can write (records, maps, lists). Called on each read. */
    Object describe();
}
