package dev.meshkeeper.registry.zookeeper;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;

/**
 * Who can reach the ZooKeeper client ports. With ZooKeeper authentication off
 * ({@code meshkeeper.registry.auth.enabled=false}) every client may rewrite every node, so the registry serves such
 * clients on loopback only: its client ports bind to {@value #LOOPBACK} whatever {@code meshkeeper.registry.bind-address}
 * says, and a client on another machine cannot connect. {@code meshkeeper.registry.allow-unauthenticated-remote-clients=true}
 * lifts this (with a WARN at every start); turning authentication on is the way to serve the network.
 *
 * @param authenticationEnabled {@code meshkeeper.registry.auth.enabled}
 * @param remoteClientsAllowed {@code meshkeeper.registry.allow-unauthenticated-remote-clients}
 * @param configuredBindAddress {@code meshkeeper.registry.bind-address}
 */
record ProtectedMode(boolean authenticationEnabled, boolean remoteClientsAllowed, String configuredBindAddress) {

    static final String LOOPBACK = "127.0.0.1";

    static final String ALLOW_PROPERTY = "meshkeeper.registry.allow-unauthenticated-remote-clients";

    /** Whether unauthenticated clients are kept to loopback. */
    boolean active() {
        return !this.authenticationEnabled && !this.remoteClientsAllowed;
    }

    /** The address the client ports bind to. */
    String bindAddress() {
        return (active() && !isLoopback(this.configuredBindAddress)) ? LOOPBACK : this.configuredBindAddress;
    }

    /**
     * Whether a client connecting from {@code client} can reach the client ports: a loopback client always (when the
     * ports listen on all interfaces or on loopback); any other client only when the ports are not kept to loopback.
     */
    boolean admits(InetAddress client) {
        String bind = bindAddress();
        if (client.isLoopbackAddress()) {
            return isLoopback(bind) || isWildcard(bind);
        }
        return !isLoopback(bind);
    }

    /** What the start-up log says about who can connect. */
    List<Message> startupMessages() {
        List<Message> messages = new ArrayList<>();
        if (active()) {
            boolean narrowed = !isLoopback(this.configuredBindAddress);
            String text = "ZooKeeper authentication is off (meshkeeper.registry.auth.enabled=false), so the "
                    + "registry is in protected mode: its ZooKeeper client ports listen on " + LOOPBACK + " only"
                    + (narrowed ? " (not on meshkeeper.registry.bind-address=" + this.configuredBindAddress + ")"
                            : "")
                    + " and clients on other machines cannot connect. To serve the network, turn authentication "
                    + "on (meshkeeper.registry.auth.enabled=true, see docs/security.md); to serve unauthenticated "
                    + "remote clients anyway, set " + ALLOW_PROPERTY + "=true";
            // An address the operator chose for the network is overridden: that deserves a WARN; the default
            // wildcard only INFO, as every default start would otherwise warn.
            messages.add(new Message(narrowed && !isWildcard(this.configuredBindAddress), text));
        }
        else if (!this.authenticationEnabled && !isLoopback(this.configuredBindAddress)) {
            messages.add(new Message(true, "UNAUTHENTICATED ZOOKEEPER OPEN TO THE NETWORK: ZooKeeper "
                    + "authentication is off and " + ALLOW_PROPERTY + "=true, so anyone who can reach "
                    + this.configuredBindAddress + " can rewrite every registration, config value, lock and the "
                    + "audit log; turn authentication on (meshkeeper.registry.auth.enabled=true) or remove "
                    + ALLOW_PROPERTY));
        }
        return messages;
    }

    private static boolean isWildcard(String address) {
        try {
            return InetAddress.getByName(address).isAnyLocalAddress();
        }
        catch (UnknownHostException ex) {
            return false;
        }
    }

    private static boolean isLoopback(String address) {
        try {
            return InetAddress.getByName(address).isLoopbackAddress();
        }
        catch (UnknownHostException ex) {
            // an unknown host fails start-up later, naming meshkeeper.registry.bind-address
            return false;
        }
    }

    /** A start-up log line: {@code warn} when it reports a risk or a setting that was overridden. */
    record Message(boolean warn, String text) {
    }
}
