package dev.meshkeeper.registry.server;

import java.util.Objects;

/**
 * One quorum peer of a ZooKeeper ensemble, as ZooKeeper's own {@code server.N} line describes it:
 * {@code host:quorumPort:electionPort[;clientPort]}.
 *
 * @param id the member's id ({@code myid}), 1..255
 * @param host the address the member's quorum and election ports listen on
 * @param quorumPort the port followers use to connect to the leader
 * @param electionPort the port used for leader election
 * @param clientPort the member's client port, or {@code 0} when it is not part of the spec
 */
public record EnsembleMember(int id, String host, int quorumPort, int electionPort, int clientPort) {

    public EnsembleMember {
        if (id < 1 || id > 255) {
            throw new IllegalArgumentException("ensemble member id " + id + " is out of range; use 1..255");
        }
        Objects.requireNonNull(host, "host");
        checkPort("quorum port", quorumPort, false);
        checkPort("election port", electionPort, false);
        checkPort("client port", clientPort, true);
    }

    /**
     * Parses ZooKeeper's {@code server.N} syntax.
     * @throws IllegalArgumentException naming the spec and what is wrong with it
     */
    public static EnsembleMember parse(int id, String spec) {
        String trimmed = (spec != null) ? spec.trim() : "";
        String hostPorts = trimmed;
        int clientPort = 0;
        int semicolon = trimmed.indexOf(';');
        if (semicolon >= 0) {
            hostPorts = trimmed.substring(0, semicolon);
            String client = trimmed.substring(semicolon + 1);
            int colon = client.lastIndexOf(':');
            clientPort = parsePort(spec, colon >= 0 ? client.substring(colon + 1) : client);
        }
        String[] parts = hostPorts.split(":");
        if (parts.length < 3 || parts[0].isBlank()) {
            throw new IllegalArgumentException("ensemble member '" + spec
                    + "' is not of the form host:quorumPort:electionPort[;clientPort], e.g. 127.0.0.1:2888:3888;2181");
        }
        return new EnsembleMember(id, parts[0], parsePort(spec, parts[1]), parsePort(spec, parts[2]), clientPort);
    }

    /** The value of this member's {@code server.N} line. */
    public String toSpec() {
        String base = host + ":" + quorumPort + ":" + electionPort;
        return (clientPort > 0) ? base + ";" + host + ":" + clientPort : base;
    }

    private static int parsePort(String spec, String value) {
        try {
            return Integer.parseInt(value.trim());
        }
        catch (NumberFormatException ex) {
            throw new IllegalArgumentException("ensemble member '" + spec + "' has a port that is not a number: '"
                    + value.trim() + "'; use host:quorumPort:electionPort[;clientPort], e.g. 127.0.0.1:2888:3888;2181");
        }
    }

    private static void checkPort(String what, int port, boolean zeroAllowed) {
        if (port < (zeroAllowed ? 0 : 1) || port > 65535) {
            throw new IllegalArgumentException(what + " " + port + " is out of range; use 1..65535");
        }
    }
}
