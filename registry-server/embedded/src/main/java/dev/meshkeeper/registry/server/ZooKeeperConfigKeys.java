package dev.meshkeeper.registry.server;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * zoo.cfg keys in ZooKeeper's own spelling. Keys that arrive lower-cased (Spring binds environment variables that
 * way) are given back their case, so {@code MESHKEEPER_REGISTRY_ZOOKEEPER_SNAPCOUNT} still means {@code snapCount}.
 */
final class ZooKeeperConfigKeys {

    /** Keys this server sets itself from typed settings; passing them raw as well would be ambiguous. */
    static final Map<String, String> MODELLED = Map.of("clientPort", "client-port", "clientPortAddress",
            "bind-address", "dataDir", "data-dir", "tickTime", "tick-time", "minSessionTimeout",
            "min-session-timeout", "maxSessionTimeout", "max-session-timeout", "maxClientCnxns",
            "max-client-connections", "autopurge.snapRetainCount", "snapshot-retain-count", "autopurge.purgeInterval",
            "purge-interval");

    private static final List<String> KNOWN = List.of("dataDir", "dataLogDir", "clientPort",
            "localSessionsEnabled", "localSessionsUpgradingEnabled", "clientPortAddress", "secureClientPort",
            "secureClientPortAddress", "observerMasterPort", "clientPortListenBacklog", "tickTime", "maxClientCnxns",
            "minSessionTimeout", "maxSessionTimeout", "initLimit", "syncLimit", "connectToLearnerMasterLimit",
            "electionAlg", "quorumListenOnAllIPs", "peerType", "syncEnabled", "dynamicConfigFile",
            "autopurge.snapRetainCount", "autopurge.purgeInterval", "standaloneEnabled", "reconfigEnabled",
            "sslQuorum", "portUnification", "sslQuorumReloadCertFiles", "quorum.cnxn.threads.size",
            "metricsProvider.className", "multiAddress.enabled", "multiAddress.reachabilityCheckTimeoutMs",
            "multiAddress.reachabilityCheckEnabled", "oraclePath", "snapCount", "snapSizeLimitInKb",
            "txnLogSizeLimitInKb", "preAllocSize", "globalOutstandingLimit", "forceSync", "commitLogCount",
            "fsync.warningthresholdms", "4lw.commands.whitelist", "admin.enableServer", "admin.serverPort",
            "admin.serverAddress", "maxCnxns", "serverCnxnFactory", "digest.enabled", "skipACL",
            "snapshot.compression.method", "snapshot.trust.empty", "jute.maxbuffer", "leaderServes",
            "cnxTimeout", "electionPortBindRetry", "enforceQuota", "authProvider.1", "serverCnxnFactory",
            "connection_throttle_tokens", "connection_throttle_fill_time", "connection_throttle_fill_count",
            "connection_throttle_freeze_time", "request_throttle_max_requests", "request_throttle_stall_time",
            "learner.asyncSending", "largeRequestMaxBytes", "largeRequestThreshold", "outstandingHandshake.limit");

    private static final Map<String, String> BY_LOWER_CASE = KNOWN.stream()
            .collect(Collectors.toMap(key -> key.toLowerCase(Locale.ROOT), Function.identity(), (a, b) -> a));

    private ZooKeeperConfigKeys() {
    }

    /** The key in ZooKeeper's spelling when it is a known key, otherwise as given. */
    static String canonical(String key) {
        if (key.startsWith("server.") || key.startsWith("group.") || key.startsWith("weight.")) {
            return key;
        }
        return BY_LOWER_CASE.getOrDefault(key.toLowerCase(Locale.ROOT), key);
    }
}
