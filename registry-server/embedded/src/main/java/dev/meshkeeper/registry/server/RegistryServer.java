package dev.meshkeeper.registry.server;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Properties;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
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
        InetAddress bindAddress = StartupChecks.resolveBindAddress(this.settings);
        StartupChecks.prepareDataDir(this.settings);
        if (this.settings.isEnsemble()) {
            StartupChecks.prepareEnsemble(this.settings);
        }
        if (!this.settings.clientPortEnabled() && this.secureClientPort == null) {
            throw new RegistryServerException("tls.plain-client-port-enabled", false, "the plain client port is "
                    + "disabled but no secure client port is set; set a secure client port or keep the plain one");
        }
        if (this.settings.clientPortEnabled()) {
            StartupChecks.checkPortFree(bindAddress, this.clientPort, "client-port", "client port");
        }
        if (this.secureClientPort != null) {
            StartupChecks.checkPortFree(bindAddress, this.secureClientPort, "tls.secure-client-port",
                    "secure client port");
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
        this.running.set(new Running(server, SnapshotPurger.start(this.settings, this.clientPort)));
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

    Properties zooKeeperProperties() {
        return ZooKeeperConfiguration.of(this.settings, this.clientPort, this.secureClientPort);
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

    private record Running(ZooKeeperServerEmbedded server, SnapshotPurger purger) {

        void close() {
            if (this.purger != null) {
                this.purger.close();
            }
            this.server.close();
        }
    }
}
