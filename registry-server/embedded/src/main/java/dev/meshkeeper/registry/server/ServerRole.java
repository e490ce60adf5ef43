package dev.meshkeeper.registry.server;

/** The part a registry server currently plays. */
public enum ServerRole {

    /** A single server, not part of an ensemble. */
    STANDALONE,
    /** The ensemble's leader. */
    LEADER,
    /** A voting follower. */
    FOLLOWER,
    /** A non-voting observer. */
    OBSERVER,
    /** Part of an ensemble, looking for a leader: not serving. */
    LOOKING,
    /** Not running. */
    STOPPED
}
