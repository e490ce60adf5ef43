package dev.meshkeeper.registry.server;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * How a {@link RegistryServer} runs: immutable, built with {@link #builder()}. Defaults are ZooKeeper's
 * production defaults except where noted.
 */
public final class RegistryServerSettings {

    private final String bindAddress;

    private final int clientPort;

    private final Path dataDir;

    private final Duration tickTime;

    private final Duration minSessionTimeout;

    private final Duration maxSessionTimeout;

    private final int maxClientConnections;

    private final int snapshotRetainCount;

    private final Duration purgeInterval;

    private final Integer myId;

    private final List<EnsembleMember> members;

    private final Map<String, String> zooKeeperProperties;

    private final Duration startupTimeout;

    private final Integer secureClientPort;

    private final boolean clientPortEnabled;

    private RegistryServerSettings(Builder builder) {
        this.bindAddress = builder.bindAddress;
        this.clientPort = builder.clientPort;
        this.dataDir = Objects.requireNonNull(builder.dataDir, "dataDir");
        this.tickTime = builder.tickTime;
        this.minSessionTimeout = builder.minSessionTimeout;
        this.maxSessionTimeout = builder.maxSessionTimeout;
        this.maxClientConnections = builder.maxClientConnections;
        this.snapshotRetainCount = builder.snapshotRetainCount;
        this.purgeInterval = builder.purgeInterval;
        this.myId = builder.myId;
        this.members = List.copyOf(builder.members);
        this.zooKeeperProperties = Collections.unmodifiableMap(new LinkedHashMap<>(builder.zooKeeperProperties));
        this.startupTimeout = builder.startupTimeout;
        this.secureClientPort = builder.secureClientPort;
        this.clientPortEnabled = builder.clientPortEnabled;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** A builder that starts from these settings. */
    public Builder toBuilder() {
        Builder builder = new Builder().bindAddress(this.bindAddress).clientPort(this.clientPort)
                .dataDir(this.dataDir).tickTime(this.tickTime).minSessionTimeout(this.minSessionTimeout)
                .maxSessionTimeout(this.maxSessionTimeout).maxClientConnections(this.maxClientConnections)
                .snapshotRetainCount(this.snapshotRetainCount).purgeInterval(this.purgeInterval).myId(this.myId)
                .startupTimeout(this.startupTimeout).secureClientPort(this.secureClientPort)
                .clientPortEnabled(this.clientPortEnabled);
        this.members.forEach(builder::member);
        this.zooKeeperProperties.forEach(builder::zooKeeperProperty);
        return builder;
    }

    /** The address the client port binds to; {@code 0.0.0.0} for all interfaces. */
    public String bindAddress() {
        return this.bindAddress;
    }

    /** The client port; {@code 0} picks a free port at the first start and keeps it across restarts. */
    public int clientPort() {
        return this.clientPort;
    }

    /** Where snapshots and the transaction log live. */
    public Path dataDir() {
        return this.dataDir;
    }

    public Duration tickTime() {
        return this.tickTime;
    }

    /** Smallest session timeout a client may negotiate; {@code null} means ZooKeeper's 2 × tick time. */
    public Duration minSessionTimeout() {
        return this.minSessionTimeout;
    }

    /** Largest session timeout a client may negotiate; {@code null} means ZooKeeper's 20 × tick time. */
    public Duration maxSessionTimeout() {
        return this.maxSessionTimeout;
    }

    /** Concurrent connections allowed from one client address; {@code 0} for no limit. */
    public int maxClientConnections() {
        return this.maxClientConnections;
    }

    /** Snapshots (and their transaction logs) kept when old ones are purged; at least 3. */
    public int snapshotRetainCount() {
        return this.snapshotRetainCount;
    }

    /** How often old snapshots are purged; {@link Duration#ZERO} never purges. */
    public Duration purgeInterval() {
        return this.purgeInterval;
    }

    /** This member's id when part of an ensemble, else {@code null}. */
    public Integer myId() {
        return this.myId;
    }

    /** Ensemble members, this one included; empty for a standalone server. */
    public List<EnsembleMember> members() {
        return this.members;
    }

    /** Raw zoo.cfg keys passed through as they are. */
    public Map<String, String> zooKeeperProperties() {
        return this.zooKeeperProperties;
    }

    /** How long {@link RegistryServer#start()} waits for the server to come up before it fails. */
    public Duration startupTimeout() {
        return this.startupTimeout;
    }

    /**
     * The TLS client port (ZooKeeper's {@code secureClientPort}, served by Netty); {@code 0} picks a free port at the
     * first start and keeps it across restarts; {@code null} (the default) opens no TLS port. Key and trust stores are
     * ZooKeeper's JVM-wide {@code zookeeper.ssl.*} system properties, never part of these settings.
     */
    public Integer secureClientPort() {
        return this.secureClientPort;
    }

    /** Whether the plain (clear-text) client port is opened; {@code true} by default. */
    public boolean clientPortEnabled() {
        return this.clientPortEnabled;
    }

    public boolean isEnsemble() {
        return !this.members.isEmpty();
    }

    public static final class Builder {

        private String bindAddress = "0.0.0.0";

        private int clientPort = 2181;

        private Path dataDir;

        private Duration tickTime = Duration.ofMillis(2000);

        private Duration minSessionTimeout;

        private Duration maxSessionTimeout;

        private int maxClientConnections = 60;

        private int snapshotRetainCount = 3;

        private Duration purgeInterval = Duration.ofHours(1);

        private Integer myId;

        private final List<EnsembleMember> members = new ArrayList<>();

        private final Map<String, String> zooKeeperProperties = new LinkedHashMap<>();

        private Duration startupTimeout = Duration.ofSeconds(30);

        private Integer secureClientPort;

        private boolean clientPortEnabled = true;

        private Builder() {
        }

        public Builder bindAddress(String bindAddress) {
            this.bindAddress = Objects.requireNonNull(bindAddress, "bindAddress");
            return this;
        }

        public Builder clientPort(int clientPort) {
            this.clientPort = clientPort;
            return this;
        }

        public Builder dataDir(Path dataDir) {
            this.dataDir = dataDir;
            return this;
        }

        public Builder tickTime(Duration tickTime) {
            this.tickTime = Objects.requireNonNull(tickTime, "tickTime");
            return this;
        }

        public Builder minSessionTimeout(Duration minSessionTimeout) {
            this.minSessionTimeout = minSessionTimeout;
            return this;
        }

        public Builder maxSessionTimeout(Duration maxSessionTimeout) {
            this.maxSessionTimeout = maxSessionTimeout;
            return this;
        }

        public Builder maxClientConnections(int maxClientConnections) {
            this.maxClientConnections = maxClientConnections;
            return this;
        }

        public Builder snapshotRetainCount(int snapshotRetainCount) {
            this.snapshotRetainCount = snapshotRetainCount;
            return this;
        }

        public Builder purgeInterval(Duration purgeInterval) {
            this.purgeInterval = Objects.requireNonNull(purgeInterval, "purgeInterval");
            return this;
        }

        public Builder myId(Integer myId) {
            this.myId = myId;
            return this;
        }

        public Builder member(EnsembleMember member) {
            this.members.add(Objects.requireNonNull(member, "member"));
            return this;
        }

        public Builder zooKeeperProperty(String key, String value) {
            this.zooKeeperProperties.put(key, value);
            return this;
        }

        public Builder startupTimeout(Duration startupTimeout) {
            this.startupTimeout = Objects.requireNonNull(startupTimeout, "startupTimeout");
            return this;
        }

        public Builder secureClientPort(Integer secureClientPort) {
            this.secureClientPort = secureClientPort;
            return this;
        }

        public Builder clientPortEnabled(boolean clientPortEnabled) {
            this.clientPortEnabled = clientPortEnabled;
            return this;
        }

        public RegistryServerSettings build() {
            return new RegistryServerSettings(this);
        }
    }
}
