package dev.meshkeeper.ensemble;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.meshkeeper.registry.server.EnsembleMember;
import dev.meshkeeper.registry.server.ServerRole;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A quorum peer running in its own JVM ({@link EnsemblePeer}), seen from the test: started from the test class path
 * with a small heap, killed with SIGKILL, asked for its role with ZooKeeper's {@code srvr} four-letter word (the one
 * command ZooKeeper allows by default). Its output is appended to a log file, across restarts.
 */
final class PeerProcess {

    private final EnsembleMember member;

    private final List<EnsembleMember> ensemble;

    private final Path dataDir;

    private final Path log;

    private volatile Process process;

    PeerProcess(EnsembleMember member, List<EnsembleMember> ensemble, Path dataDir, Path log) {
        this.member = member;
        this.ensemble = ensemble;
        this.dataDir = dataDir;
        this.log = log;
    }

    int id() {
        return this.member.id();
    }

    int clientPort() {
        return this.member.clientPort();
    }

    Path log() {
        return this.log;
    }

    /** Starts the peer's JVM and waits until its server listens on the client port (it may not serve yet). */
    void start() {
        awaitReady(launch());
    }

    /**
     * Starts the peer's JVM without waiting, so that several peers boot side by side.
     * @return the token for {@link #awaitReady(long)}
     */
    synchronized long launch() {
        assertThat(isRunning()).as("peer %d already running", id()).isFalse();
        long readyBefore = readyLines();
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String members = String.join(",",
                this.ensemble.stream().map(other -> other.id() + "=" + other.toSpec()).toList());
        ProcessBuilder builder = new ProcessBuilder(java, "-Xmx128m", "-XX:TieredStopAtLevel=1", "-Xshare:auto",
                "-XX:+UseSerialGC", "-cp", System.getProperty("java.class.path"), EnsemblePeer.class.getName(),
                String.valueOf(id()), this.dataDir.toString(), members).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(this.log.toFile()));
        try {
            Files.createDirectories(this.log.getParent());
            this.process = builder.start();
        }
        catch (IOException ex) {
            throw new UncheckedIOException("could not start ensemble peer " + id(), ex);
        }
        return readyBefore;
    }

    /** Waits until the peer launched after {@code readyBefore} ready lines prints its own. */
    void awaitReady(long readyBefore) {
        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(100)).untilAsserted(() -> {
            assertThat(this.process.isAlive()).as("peer %d exited early, see %s", id(), this.log).isTrue();
            assertThat(readyLines()).as("peer %d ready, see %s", id(), this.log).isGreaterThan(readyBefore);
        });
    }

    /** SIGKILL: no shutdown hook, no goodbye to the other peers or the clients. */
    synchronized void kill() {
        Process current = this.process;
        if (current == null) {
            return;
        }
        current.destroyForcibly();
        try {
            assertThat(current.waitFor(30, TimeUnit.SECONDS)).as("peer %d gone after SIGKILL", id()).isTrue();
        }
        catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
        }
        this.process = null;
    }

    boolean isRunning() {
        Process current = this.process;
        return current != null && current.isAlive();
    }

    /**
     * The peer's role from {@code srvr}: {@link ServerRole#LOOKING} while it answers but does not serve (no quorum),
     * {@link ServerRole#STOPPED} when nothing answers.
     */
    ServerRole role() {
        if (!isRunning()) {
            return ServerRole.STOPPED;
        }
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", clientPort()), 2000);
            socket.setSoTimeout(3000);
            socket.getOutputStream().write("srvr".getBytes(StandardCharsets.US_ASCII));
            socket.getOutputStream().flush();
            String answer = new String(socket.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
            if (answer.contains("Mode: leader")) {
                return ServerRole.LEADER;
            }
            if (answer.contains("Mode: follower")) {
                return ServerRole.FOLLOWER;
            }
            if (answer.contains("Mode: observer")) {
                return ServerRole.OBSERVER;
            }
            return ServerRole.LOOKING;
        }
        catch (IOException ex) {
            return ServerRole.STOPPED;
        }
    }

    boolean serving() {
        ServerRole role = role();
        return role == ServerRole.LEADER || role == ServerRole.FOLLOWER || role == ServerRole.OBSERVER;
    }

    private long readyLines() {
        if (!Files.exists(this.log)) {
            return 0;
        }
        try (var lines = Files.lines(this.log, StandardCharsets.ISO_8859_1)) {
            return lines.filter(line -> line.startsWith(EnsemblePeer.READY + id() + " ")).count();
        }
        catch (IOException ex) {
            return 0;
        }
    }

    @Override
    public String toString() {
        return "peer " + id() + " (client port " + clientPort() + ")";
    }
}
