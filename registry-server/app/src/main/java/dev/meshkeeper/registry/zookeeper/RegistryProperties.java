package dev.meshkeeper.registry.zookeeper;

import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.annotation.Validated;

/**
 * The registry server's embedded ZooKeeper server.
 */
@ConfigurationProperties("meshkeeper.registry")
@Validated
public class RegistryProperties {

    /** ZooKeeper client port; 0 picks a free port. */
    @Min(0)
    @Max(65535)
    private int clientPort = 2181;

    /**
     * Address the client ports bind to; 0.0.0.0 for all interfaces. With ZooKeeper authentication off they bind to
     * 127.0.0.1 instead, unless allow-unauthenticated-remote-clients is true.
     */
    @NotBlank
    private String bindAddress = "0.0.0.0";

    /**
     * Whether clients on other machines may connect while ZooKeeper authentication is off; they could then rewrite
     * every node. Off: the client ports listen on loopback only until meshkeeper.registry.auth.enabled=true.
     */
    private boolean allowUnauthenticatedRemoteClients;

    /** Directory of snapshots and the transaction log; everything persistent lives here. */
    @NotNull
    private Path dataDir = Path.of("data");

    /** ZooKeeper's basic time unit: heartbeats, and the default session timeout bounds (2 and 20 ticks). */
    @NotNull
    private Duration tickTime = Duration.ofSeconds(2);

    /** Smallest session timeout a client may negotiate; defaults to 2 × tick time. */
    private Duration minSessionTimeout;

    /** Largest session timeout a client may negotiate; defaults to 20 × tick time. */
    private Duration maxSessionTimeout;

    /** Concurrent connections allowed from one client address; 0 for no limit. */
    @Min(0)
    private int maxClientConnections = 60;

    /** Snapshots (and their transaction logs) kept when old ones are purged. */
    @Min(3)
    private int snapshotRetainCount = 3;

    /** How often old snapshots and logs are purged; 0 never purges. */
    @NotNull
    private Duration purgeInterval = Duration.ofHours(1);

    /** How long start-up waits for the ZooKeeper server before it fails. */
    @NotNull
    private Duration startupTimeout = Duration.ofSeconds(30);

    /** Membership in a ZooKeeper ensemble; standalone when no members are listed. */
    @Valid
    private final Ensemble ensemble = new Ensemble();

    /**
     * Raw zoo.cfg keys passed to ZooKeeper as they are, for settings not modelled here (e.g. snapCount). Keys keep
     * ZooKeeper's case even when set through environment variables.
     */
    private final Map<String, String> zookeeper = new LinkedHashMap<>();

    /**
     * JVM-wide system properties set before ZooKeeper's classes load (e.g. jute.maxbuffer, zookeeper.ssl.*,
     * zookeeper.authProvider.*); a value already set on the command line wins.
     */
    private final Map<String, String> systemProperties = new LinkedHashMap<>();

    /** TLS for ZooKeeper clients: a secure client port, its key and trust stores. */
    @Valid
    private final Tls tls = new Tls();

    public int getClientPort() {
        return this.clientPort;
    }

    public void setClientPort(int clientPort) {
        this.clientPort = clientPort;
    }

    public String getBindAddress() {
        return this.bindAddress;
    }

    public void setBindAddress(String bindAddress) {
        this.bindAddress = bindAddress;
    }

    public boolean isAllowUnauthenticatedRemoteClients() {
        return this.allowUnauthenticatedRemoteClients;
    }

    public void setAllowUnauthenticatedRemoteClients(boolean allowUnauthenticatedRemoteClients) {
        this.allowUnauthenticatedRemoteClients = allowUnauthenticatedRemoteClients;
    }

    public Path getDataDir() {
        return this.dataDir;
    }

    public void setDataDir(Path dataDir) {
        this.dataDir = dataDir;
    }

    public Duration getTickTime() {
        return this.tickTime;
    }

    public void setTickTime(Duration tickTime) {
        this.tickTime = tickTime;
    }

    public Duration getMinSessionTimeout() {
        return this.minSessionTimeout;
    }

    public void setMinSessionTimeout(Duration minSessionTimeout) {
        this.minSessionTimeout = minSessionTimeout;
    }

    public Duration getMaxSessionTimeout() {
        return this.maxSessionTimeout;
    }

    public void setMaxSessionTimeout(Duration maxSessionTimeout) {
        this.maxSessionTimeout = maxSessionTimeout;
    }

    public int getMaxClientConnections() {
        return this.maxClientConnections;
    }

    public void setMaxClientConnections(int maxClientConnections) {
        this.maxClientConnections = maxClientConnections;
    }

    public int getSnapshotRetainCount() {
        return this.snapshotRetainCount;
    }

    public void setSnapshotRetainCount(int snapshotRetainCount) {
        this.snapshotRetainCount = snapshotRetainCount;
    }

    public Duration getPurgeInterval() {
        return this.purgeInterval;
    }

    public void setPurgeInterval(Duration purgeInterval) {
        this.purgeInterval = purgeInterval;
    }

    public Duration getStartupTimeout() {
        return this.startupTimeout;
    }

    public void setStartupTimeout(Duration startupTimeout) {
        this.startupTimeout = startupTimeout;
    }

    public Ensemble getEnsemble() {
        return this.ensemble;
    }

    public Map<String, String> getZookeeper() {
        return this.zookeeper;
    }

    public Map<String, String> getSystemProperties() {
        return this.systemProperties;
    }

    public Tls getTls() {
        return this.tls;
    }

    /** Ensemble membership; its settings are declared in {@link RegistryEnsembleProperties}. */
    public static class Ensemble extends RegistryEnsembleProperties {
    }

    public static class Tls {

        /** TLS client port (ZooKeeper's secureClientPort); 0 picks a free port; unset opens no TLS port. */
        @Min(0)
        @Max(65535)
        private Integer secureClientPort;

        /**
         * Whether the plain (clear-text) client port stays open next to the secure one; a start-up WARN says so while
         * it does. Set false once every client uses TLS.
         */
        private boolean plainClientPortEnabled = true;

        /** Whether clients must present a certificate the trust store trusts: none, want or need. */
        @NotNull
        private ClientAuth clientAuth = ClientAuth.NONE;

        /** The server's private key and certificate chain. */
        @Valid
        private final Store keyStore = new Store();

        /** Certificates trusted to sign client certificates (and, with the plain port off, the server's own). */
        @Valid
        private final Store trustStore = new Store();

        public Integer getSecureClientPort() {
            return this.secureClientPort;
        }

        public void setSecureClientPort(Integer secureClientPort) {
            this.secureClientPort = secureClientPort;
        }

        public boolean isPlainClientPortEnabled() {
            return this.plainClientPortEnabled;
        }

        public void setPlainClientPortEnabled(boolean plainClientPortEnabled) {
            this.plainClientPortEnabled = plainClientPortEnabled;
        }

        public ClientAuth getClientAuth() {
            return this.clientAuth;
        }

        public void setClientAuth(ClientAuth clientAuth) {
            this.clientAuth = clientAuth;
        }

        public Store getKeyStore() {
            return this.keyStore;
        }

        public Store getTrustStore() {
            return this.trustStore;
        }

        /** Whether clients present certificates: ZooKeeper's {@code zookeeper.ssl.clientAuth}. */
        public enum ClientAuth {

            /** Clients present no certificate. */
            NONE,

            /** Clients may present a certificate; when they do, it must be trusted. */
            WANT,

            /** Clients must present a trusted certificate. */
            NEED

        }

        /** A key or trust store; its settings are declared in {@link RegistryKeyStoreProperties}. */
        public static class Store extends RegistryKeyStoreProperties {
        }
    }
}
