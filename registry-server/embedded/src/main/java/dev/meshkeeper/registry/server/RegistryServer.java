package dev.meshkeeper.registry.server;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Properties;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import org.apache.zookeeper.server.PurgeTxnLog;
import org.apache.zookeeper.server.embedded.ExitHandler;
import org.apache.zookeeper.server.embedded.ZooKeeperServerEmbedded;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real ZooKeeper server running in this JVM, started through ZooKeeper's own embedding API
 * ({@link ZooKeeperServerEmbedded}) — standalone, or as one quorum peer of an ensemble.
 * <p>
 * Guarantees: {@link #start()} either returns with the server listening on its client port, or throws a
 * {@link RegistryServerException} naming the setting at fault, within the configured start-up timeout (ZooKeeper's
 * embedded server alone would only log its failure and wait forever). A server error never exits the JVM.
 * Data is written to snapshots and a transaction log under the data dir, so {@link #stop()} followed by
 * {@link #start()} (or a new process on the same data dir) sees everything that was acknowledged.
 */
public final class RegistryServer implements AutoCloseable {

    private static final Logger logger = LoggerFactory.getLogger(RegistryServer.class);

    private final RegistryServerSettings settings;

    private final AtomicReference<Running> running = new AtomicReference<>();

    /** The port bound at the first start, kept so that a restart comes back where clients look for it. */
    private volatile int clientPort;

    /** The TLS port bound at the first start (when one is configured), kept across restarts like the client port. */
    private volatile Integer secureClientPort;

    public RegistryServer(RegistryServerSettings settings) {
        this.settings = settings;
        this.clientPort = settings.clientPort();
        this.secureClientPort = settings.secureClientPort();
    }

    /**
     * Starts the server and waits until it listens on its client port. In an ensemble, the member then still has
     * to find its peers before it serves: see {@link #status()}.
     * @throws RegistryServerException when a setting is wrong or the server does not start in time
     * @throws IllegalStateException when already running
     */
    public synchronized void start() {
        if (this.running.get() != null) {
            throw new IllegalStateException("registry server is already running on port " + this.clientPort);
        }
        InetAddress bindAddress = resolveBindAddress();
        prepareDataDir();
        if (this.settings.isEnsemble()) {
            prepareEnsemble(bindAddress);
        }
        if (!this.settings.clientPortEnabled() && this.secureClientPort == null) {
            throw new RegistryServerException("tls.plain-client-port-enabled", false, "the plain client port is "
                    + "disabled but no secure client port is set; set a secure client port or keep the plain one");
        }
        if (this.settings.clientPortEnabled()) {
            checkPortFree(bindAddress, this.clientPort, "client-port", "client port");
        }
        if (this.secureClientPort != null) {
            checkPortFree(bindAddress, this.secureClientPort, "tls.secure-client-port", "secure client port");
        }
        Properties properties = zooKeeperProperties();
        ZooKeeperServerEmbedded server;
        try {
            server = ZooKeeperServerEmbedded.builder().baseDir(this.settings.dataDir()).configuration(properties)
                    .exitHandler(ExitHandler.LOG_ONLY).build();
        }
        catch (Exception ex) {
            throw new RegistryServerException(null, null,
                    "ZooKeeper rejected the registry server's configuration: " + ex.getMessage(), ex);
        }
        finally {
            deleteGeneratedConfiguration();
        }
        Duration timeout = this.settings.startupTimeout();
        try {
            server.start(timeout.toMillis());
        }
        catch (TimeoutException ex) {
            server.close();
            throw new RegistryServerException("startup-timeout", timeout, "ZooKeeper server did not start within "
                    + timeout + "; the log above has ZooKeeper's reason", ex);
        }
        catch (Exception ex) {
            server.close();
            throw new RegistryServerException(null, null, "ZooKeeper server failed to start: " + ex.getMessage(), ex);
        }
        if (this.settings.clientPortEnabled()) {
            this.clientPort = server.getClientPort();
        }
        if (this.secureClientPort != null) {
            this.secureClientPort = server.getSecureClientPort();
        }
        this.running.set(new Running(server, startPurging()));
        logger.info("Registry server started: ZooKeeper {} on {}:{}{}, data in {}",
                this.settings.isEnsemble() ? "ensemble member " + this.settings.myId() : "standalone",
                this.settings.bindAddress(), this.settings.clientPortEnabled() ? this.clientPort : "(no plain port)",
                (this.secureClientPort != null) ? ", TLS on port " + this.secureClientPort : "",
                this.settings.dataDir().toAbsolutePath());
    }

    /** Stops the server; its data stays on disk. Does nothing when not running. */
    public synchronized void stop() {
        Running current = this.running.getAndSet(null);
        if (current != null) {
            current.close();
            logger.info("Registry server on port {} stopped", this.clientPort);
        }
    }

    /** Stops the server and starts it again on the same port with the same data. */
    public synchronized void restart() {
        stop();
        start();
    }

    @Override
    public void close() {
        stop();
    }

    public boolean isRunning() {
        return this.running.get() != null;
    }

    public RegistryServerSettings settings() {
        return this.settings;
    }

    /**
     * The client port: the one bound at the first start when the settings asked for a random one. When the plain
     * port is disabled, this is the configured (unused) value.
     */
    public int clientPort() {
        return this.clientPort;
    }

    /**
     * The TLS client port, the one bound at the first start when the settings asked for a random one; empty when no
     * secure port is configured.
     */
    public OptionalInt secureClientPort() {
        Integer port = this.secureClientPort;
        return (port != null) ? OptionalInt.of(port) : OptionalInt.empty();
    }

    /**
     * A connect string for clients on this machine: the bind address, or 127.0.0.1 when bound to all. It names the
     * plain client port, or the secure one when the plain port is disabled (clients must then speak TLS).
     */
    public String connectString() {
        return clientHost() + ":" + (this.settings.clientPortEnabled() ? this.clientPort : this.secureClientPort);
    }

    /** A connect string naming the TLS client port on this machine; empty when no secure port is configured. */
    public Optional<String> secureConnectString() {
        Integer port = this.secureClientPort;
        return (port != null) ? Optional.of(clientHost() + ":" + port) : Optional.empty();
    }

    /** The connect string of the whole ensemble (every member's client port), or {@link #connectString()}. */
    public String ensembleConnectString() {
        if (!this.settings.isEnsemble()) {
            return connectString();
        }
        return this.settings.members().stream()
                .map(member -> member.host() + ":"
                        + ((member.clientPort() > 0) ? member.clientPort() : this.settings.clientPort()))
                .collect(Collectors.joining(","));
    }

    /** The server's role and whether it serves clients now, read from ZooKeeper's own JMX beans. */
    public ServerStatus status() {
        if (!isRunning()) {
            return ServerStatus.STOPPED;
        }
        return beans().status(this.settings.isEnsemble());
    }

    /** The server's statistics, or empty when it is not serving. */
    public Optional<ServerStatistics> statistics() {
        return isRunning() ? beans().statistics() : Optional.empty();
    }

    /**
     * Closes the connection that carries the given session, server side. The session survives: its client sees
     * the connection drop (Curator: SUSPENDED) and reconnects.
     * @return whether this server held a connection of that session
     */
    public boolean terminateConnection(long sessionId) {
        return isRunning() && beans().terminateConnection(sessionId);
    }

    private ServerBeans beans() {
        // ZooKeeper names a standalone server's beans after its plain port, -1 when it has none.
        return this.settings.isEnsemble() ? ServerBeans.replicated(this.settings.myId())
                : ServerBeans.standalone(this.settings.clientPortEnabled() ? this.clientPort : -1);
    }

    private String clientHost() {
        String host = this.settings.bindAddress();
        return ("0.0.0.0".equals(host) || "::".equals(host) || host.isBlank()) ? "127.0.0.1" : host;
    }

    private InetAddress resolveBindAddress() {
        try {
            return InetAddress.getByName(this.settings.bindAddress());
        }
        catch (UnknownHostException ex) {
            throw new RegistryServerException("bind-address", this.settings.bindAddress(), "bind address '"
                    + this.settings.bindAddress() + "' is not a known host or IP address; use an address of "
                    + "this machine, e.g. 127.0.0.1, or 0.0.0.0 for all interfaces", ex);
        }
    }

    private void prepareDataDir() {
        Path dataDir = this.settings.dataDir().toAbsolutePath();
        try {
            Files.createDirectories(dataDir);
            Path probe = Files.createTempFile(dataDir, ".write-check", ".tmp");
            Files.delete(probe);
        }
        catch (IOException | SecurityException ex) {
            throw new RegistryServerException("data-dir", dataDir, "data dir " + dataDir
                    + " is not a writable directory (" + ex + "); point it at a directory this process can write, "
                    + "or fix its permissions", ex);
        }
    }

    private void prepareEnsemble(InetAddress bindAddress) {
        Integer myId = this.settings.myId();
        String ids = this.settings.members().stream().map(member -> String.valueOf(member.id()))
                .collect(Collectors.joining(", "));
        if (myId == null) {
            throw new RegistryServerException("ensemble.my-id", null, "ensemble members (ids " + ids
                    + ") are configured but this member's id is not set; set it to one of " + ids);
        }
        EnsembleMember me = this.settings.members().stream().filter(member -> member.id() == myId).findFirst()
                .orElseThrow(() -> new RegistryServerException("ensemble.my-id", myId, "this member's id " + myId
                        + " is not in the ensemble list (ids " + ids + "); add member " + myId
                        + " to the list or set the id to one of " + ids));
        try {
            InetAddress quorumAddress = InetAddress.getByName(me.host());
            checkPortFree(quorumAddress, me.quorumPort(), "ensemble.members." + myId, "quorum port");
            checkPortFree(quorumAddress, me.electionPort(), "ensemble.members." + myId, "election port");
        }
        catch (UnknownHostException ex) {
            throw new RegistryServerException("ensemble.members." + myId, me.host(), "ensemble member " + myId
                    + " host '" + me.host() + "' is not a known host or IP address", ex);
        }
        try {
            Files.writeString(this.settings.dataDir().resolve("myid"), myId + "\n", StandardCharsets.US_ASCII);
        }
        catch (IOException ex) {
            throw new RegistryServerException("data-dir", this.settings.dataDir(), "cannot write "
                    + this.settings.dataDir().resolve("myid") + ": " + ex.getMessage(), ex);
        }
    }

    private static void checkPortFree(InetAddress address, int port, String setting, String what) {
        if (port == 0) {
            return;
        }
        try (ServerSocket socket = new ServerSocket()) {
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress(address, port));
        }
        catch (IOException ex) {
            throw new RegistryServerException(setting, port, "ZooKeeper " + what + " " + port + " on "
                    + address.getHostAddress() + " is already in use; stop the process that holds it or choose "
                    + "another port", ex);
        }
    }

    Properties zooKeeperProperties() {
        Properties properties = new Properties();
        // Raw keys first, so that a typed setting can never be silently overridden by a raw one.
        this.settings.zooKeeperProperties().forEach((key, value) -> {
            String canonical = ZooKeeperConfigKeys.canonical(key);
            String modelled = ZooKeeperConfigKeys.MODELLED.get(canonical);
            if (modelled != null) {
                throw new RegistryServerException("zookeeper." + key, value, "raw ZooKeeper key '" + canonical
                        + "' is also a typed setting; set '" + modelled + "' instead");
            }
            properties.setProperty(canonical, value);
        });
        properties.putIfAbsent("admin.enableServer", "false");
        properties.setProperty("dataDir", this.settings.dataDir().toAbsolutePath().toString());
        if (this.settings.clientPortEnabled()) {
            properties.setProperty("clientPort", String.valueOf(this.clientPort));
            properties.setProperty("clientPortAddress", this.settings.bindAddress());
        }
        if (this.secureClientPort != null) {
            // Only the port goes here: key and trust stores and their passwords are zookeeper.ssl.* system
            // properties, so no secret is ever part of the configuration ZooKeeper writes to the base dir.
            if (properties.containsKey("secureClientPort")) {
                throw new RegistryServerException("zookeeper.secureClientPort", properties.get("secureClientPort"),
                        "raw ZooKeeper key 'secureClientPort' is also a typed setting; set 'tls.secure-client-port' "
                                + "instead");
            }
            properties.setProperty("secureClientPort", String.valueOf(this.secureClientPort));
            properties.setProperty("secureClientPortAddress", this.settings.bindAddress());
            properties.putIfAbsent("serverCnxnFactory", "org.apache.zookeeper.server.NettyServerCnxnFactory");
        }
        properties.setProperty("tickTime", String.valueOf(this.settings.tickTime().toMillis()));
        if (this.settings.minSessionTimeout() != null) {
            properties.setProperty("minSessionTimeout", String.valueOf(this.settings.minSessionTimeout().toMillis()));
        }
        if (this.settings.maxSessionTimeout() != null) {
            properties.setProperty("maxSessionTimeout", String.valueOf(this.settings.maxSessionTimeout().toMillis()));
        }
        properties.setProperty("maxClientCnxns", String.valueOf(this.settings.maxClientConnections()));
        // Purging runs on our own scheduler, which stops with the server (ZooKeeper's would outlive it).
        properties.setProperty("autopurge.purgeInterval", "0");
        if (this.settings.isEnsemble()) {
            properties.putIfAbsent("initLimit", "10");
            properties.putIfAbsent("syncLimit", "5");
            for (EnsembleMember member : this.settings.members()) {
                properties.setProperty("server." + member.id(), member.toSpec());
            }
        }
        return properties;
    }

    private ScheduledExecutorService startPurging() {
        Duration interval = this.settings.purgeInterval();
        if (interval.isZero() || interval.isNegative()) {
            return null;
        }
        ScheduledExecutorService purger = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "meshkeeper-registry-purge-" + this.clientPort);
            thread.setDaemon(true);
            return thread;
        });
        int retain = Math.max(3, this.settings.snapshotRetainCount());
        purger.scheduleWithFixedDelay(() -> {
            try {
                PurgeTxnLog.purge(this.settings.dataDir().toFile(), this.settings.dataDir().toFile(), retain);
            }
            catch (IOException | RuntimeException ex) {
                logger.warn("Purging old snapshots in {} failed: {}", this.settings.dataDir(), ex.toString());
            }
        }, interval.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
        return purger;
    }

    /**
     * ZooKeeper writes its whole configuration to a new file in the base dir at every start; once parsed it is of
     * no use and must not pile up (or keep secrets on disk).
     */
    private void deleteGeneratedConfiguration() {
        try (DirectoryStream<Path> files = Files.newDirectoryStream(this.settings.dataDir(),
                "zookeeper.configuration*.properties")) {
            for (Path file : files) {
                Files.deleteIfExists(file);
            }
        }
        catch (IOException ex) {
            logger.warn("Could not delete ZooKeeper's generated configuration in {}: {}", this.settings.dataDir(),
                    ex.toString());
        }
    }

    private record Running(ZooKeeperServerEmbedded server, ScheduledExecutorService purger) {

        void close() {
            if (this.purger != null) {
                this.purger.shutdownNow();
            }
            this.server.close();
        }
    }
}
