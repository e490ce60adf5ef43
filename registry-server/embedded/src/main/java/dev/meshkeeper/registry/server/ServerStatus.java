package dev.meshkeeper.registry.server;

/**
 * @param role the server's role
 * @param serving whether the server accepts client requests now
 */
public record ServerStatus(ServerRole role, boolean serving) {

    static final ServerStatus STOPPED = new ServerStatus(ServerRole.STOPPED, false);
}
