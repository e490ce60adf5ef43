package dev.meshkeeper.ensemble;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.meshkeeper.registry.junit.FreePorts;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * A standalone registry server in its own JVM ({@link StandaloneRegistry}), seen from the test: started on a fixed
 * loopback port and data directory (so a restart finds its data and its clients find it), killed with SIGKILL,
 * paused with SIGSTOP and resumed with SIGCONT. Its output is appended to a log file, across restarts.
 */
final class RegistryProcess implements AutoCloseable {

    private final int port;

    private final Path dataDir;

    private final Path log;

    private volatile Process process;

    private volatile boolean paused;

    RegistryProcess(Path directory) {
        this.port = FreePorts.take();
        this.dataDir = directory.resolve("data");
        this.log = directory.resolve("registry.log");
    }

    String connectString() {
        return "127.0.0.1:" + this.port;
    }

    Path log() {
        return this.log;
    }

    /** Starts the server's JVM and waits until it listens on its port. */
    synchronized void start() {
        assertThat(isRunning()).as("registry already running").isFalse();
        long readyBefore = readyLines();
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder builder = new ProcessBuilder(java, "-Xmx128m", "-XX:TieredStopAtLevel=1", "-Xshare:auto",
                "-XX:+UseSerialGC", "-cp", System.getProperty("java.class.path"), StandaloneRegistry.class.getName(),
                String.valueOf(this.port), this.dataDir.toString()).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(this.log.toFile()));
        try {
            Files.createDirectories(this.dataDir);
            this.process = builder.start();
        }
        catch (IOException ex) {
            throw new UncheckedIOException("could not start the registry process", ex);
        }
        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(100)).untilAsserted(() -> {
            assertThat(this.process.isAlive()).as("registry exited early, see %s", this.log).isTrue();
            assertThat(readyLines()).as("registry ready, see %s", this.log).isGreaterThan(readyBefore);
        });
    }

    /** SIGKILL: no shutdown hook, no goodbye to the clients; the data directory stays. */
    synchronized void kill() {
        Process current = this.process;
        if (current == null) {
            return;
        }
        if (this.paused) {
            resume();
        }
        current.destroyForcibly();
        try {
            assertThat(current.waitFor(30, TimeUnit.SECONDS)).as("registry gone after SIGKILL").isTrue();
        }
        catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
        }
        this.process = null;
    }

    /** SIGSTOP: the process freezes; its sockets stay open and nothing answers. */
    synchronized void pause() {
        signal("STOP");
        this.paused = true;
    }

    /** SIGCONT: the paused process carries on. */
    synchronized void resume() {
        signal("CONT");
        this.paused = false;
    }

    boolean isRunning() {
        Process current = this.process;
        return current != null && current.isAlive();
    }

    @Override
    public void close() {
        kill();
    }

    private void signal(String signal) {
        Process current = this.process;
        assertThat(current).as("registry process").isNotNull();
        try {
            Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(current.pid())).inheritIO().start();
            assertThat(kill.waitFor(10, TimeUnit.SECONDS)).as("kill -%s done", signal).isTrue();
            assertThat(kill.exitValue()).as("kill -%s exit code", signal).isZero();
        }
        catch (IOException ex) {
            throw new UncheckedIOException("could not send SIG" + signal + " to the registry", ex);
        }
        catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
        }
    }

    private long readyLines() {
        if (!Files.exists(this.log)) {
            return 0;
        }
        try (var lines = Files.lines(this.log, StandardCharsets.ISO_8859_1)) {
            return lines.filter(line -> line.startsWith(StandaloneRegistry.READY)).count();
        }
        catch (IOException ex) {
            return 0;
        }
    }

    @Override
    public String toString() {
        return "registry process on " + connectString();
    }
}
