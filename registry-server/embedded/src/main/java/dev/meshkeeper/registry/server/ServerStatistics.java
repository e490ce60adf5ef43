package dev.meshkeeper.registry.server;

/**
 * A snapshot of a serving ZooKeeper server's own statistics, read from its per-server JMX beans.
 *
 * @param znodeCount znodes in the data tree
 * @param watchCount watches set by clients
 * @param ephemeralCount ephemeral znodes
 * @param approximateDataSize bytes of data held (paths and values)
 * @param aliveConnections client connections open now
 * @param outstandingRequests requests queued and not yet answered
 * @param minLatencyMillis smallest request latency since the last reset
 * @param avgLatencyMillis average request latency
 * @param maxLatencyMillis largest request latency since the last reset
 * @param packetsReceived packets received from clients
 * @param packetsSent packets sent to clients
 */
public record ServerStatistics(long znodeCount, long watchCount, long ephemeralCount, long approximateDataSize,
        long aliveConnections, long outstandingRequests, long minLatencyMillis, double avgLatencyMillis,
        long maxLatencyMillis, long packetsReceived, long packetsSent) {
}
