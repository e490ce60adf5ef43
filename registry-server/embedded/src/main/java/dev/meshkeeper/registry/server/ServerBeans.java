package dev.meshkeeper.registry.server;

import java.lang.management.ManagementFactory;
import java.util.Optional;
import java.util.Set;
import javax.management.JMException;
import javax.management.MBeanServer;
import javax.management.ObjectName;

/**
 * Reads one server's own JMX beans (ZooKeeper registers them per server under {@code org.apache.ZooKeeperService}),
 * so that several servers in one JVM never mix their figures as the JVM-wide {@code ServerMetrics} would.
 */
final class ServerBeans {

    private static final String DOMAIN = "org.apache.ZooKeeperService";

    private static final String SERVER_BEAN = "org.apache.zookeeper.server.ZooKeeperServerMXBean";

    private static final String DATA_TREE_BEAN = "org.apache.zookeeper.server.DataTreeMXBean";

    private static final String LOCAL_PEER_BEAN = "org.apache.zookeeper.server.quorum.LocalPeerMXBean";

    private static final String CONNECTION_BEAN = "org.apache.zookeeper.server.ConnectionMXBean";

    private final MBeanServer mbeans = ManagementFactory.getPlatformMBeanServer();

    private final String root;

    private ServerBeans(String root) {
        this.root = root;
    }

    static ServerBeans standalone(int clientPort) {
        return new ServerBeans("StandaloneServer_port" + clientPort);
    }

    static ServerBeans replicated(int myId) {
        return new ServerBeans("ReplicatedServer_id" + myId);
    }

    ServerStatus status(boolean ensemble) {
        boolean serving = find(SERVER_BEAN).isPresent();
        if (!ensemble) {
            return new ServerStatus(serving ? ServerRole.STANDALONE : ServerRole.STOPPED, serving);
        }
        ServerRole role = find(LOCAL_PEER_BEAN).map(name -> attribute(name, "State", String.class))
                .map(ServerBeans::role).orElse(ServerRole.LOOKING);
        return new ServerStatus(role, serving && role != ServerRole.LOOKING);
    }

    Optional<ServerStatistics> statistics() {
        Optional<ObjectName> server = find(SERVER_BEAN);
        Optional<ObjectName> tree = find(DATA_TREE_BEAN);
        if (server.isEmpty() || tree.isEmpty()) {
            return Optional.empty();
        }
        try {
            ObjectName s = server.get();
            ObjectName t = tree.get();
            return Optional.of(new ServerStatistics(number(t, "NodeCount"), number(t, "WatchCount"),
                    ((Number) this.mbeans.invoke(t, "countEphemerals", null, null)).longValue(),
                    ((Number) this.mbeans.invoke(t, "approximateDataSize", null, null)).longValue(),
                    number(s, "NumAliveConnections"), number(s, "OutstandingRequests"),
                    number(s, "MinRequestLatency"), attribute(s, "AvgRequestLatency", Number.class).doubleValue(),
                    number(s, "MaxRequestLatency"), number(s, "PacketsReceived"), number(s, "PacketsSent")));
        }
        catch (JMException | RuntimeException ex) {
            // The server went away between the lookup and the read.
            return Optional.empty();
        }
    }

    /**
     * Closes the server side of the connection that carries the session; the session itself stays alive and the
     * client reconnects.
     * @return whether a connection of that session was found
     */
    boolean terminateConnection(long sessionId) {
        String id = "0x" + Long.toHexString(sessionId);
        for (ObjectName name : names()) {
            if (isInstance(name, CONNECTION_BEAN) && id.equals(attribute(name, "SessionId", String.class))) {
                try {
                    this.mbeans.invoke(name, "terminateConnection", null, null);
                    return true;
                }
                catch (JMException ex) {
                    return false;
                }
            }
        }
        return false;
    }

    private Optional<ObjectName> find(String type) {
        return names().stream().filter(name -> isInstance(name, type)).findFirst();
    }

    private Set<ObjectName> names() {
        try {
            return this.mbeans.queryNames(new ObjectName(DOMAIN + ":name0=" + this.root + ",*"), null);
        }
        catch (JMException ex) {
            throw new IllegalStateException(ex);
        }
    }

    private boolean isInstance(ObjectName name, String type) {
        try {
            return this.mbeans.isInstanceOf(name, type);
        }
        catch (JMException ex) {
            return false;
        }
    }

    private long number(ObjectName name, String attribute) {
        Number value = attribute(name, attribute, Number.class);
        return (value != null) ? value.longValue() : 0;
    }

    private <T> T attribute(ObjectName name, String attribute, Class<T> type) {
        try {
            return type.cast(this.mbeans.getAttribute(name, attribute));
        }
        catch (JMException ex) {
            return null;
        }
    }

    private static ServerRole role(String state) {
        // QuorumPeer reports "leading", "following", "observing" or "leaderelection".
        return switch (state.toLowerCase(java.util.Locale.ROOT)) {
            case "leading" -> ServerRole.LEADER;
            case "following" -> ServerRole.FOLLOWER;
            case "observing" -> ServerRole.OBSERVER;
            default -> ServerRole.LOOKING;
        };
    }
}
