package dev.meshkeeper.zookeeper;

import static org.awaitility.Awaitility.await;

import dev.meshkeeper.registry.server.RegistryServer;
import dev.meshkeeper.registry.server.RegistryServerSettings;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A ZooKeeper server that requires digest authentication and knows a super user, run in a process of its own:
 * ZooKeeper reads {@code zookeeper.enforce.auth.*} and the super digest from JVM-wide system properties, which must
 * not reach the other tests' servers. The test JVM only holds clients.
 */
final class EnforcingZooKeeperServer implements AutoCloseable {

    private final Process process;

    private final int port;

    private EnforcingZooKeeperServer(Process process, int port) {
        this.process = process;
        this.port = port;
    }

    /**
     * Starts the server process and waits until it serves.
     * @param superDigest {@code user:base64(sha1(user:password))} of the super user
     */
    static EnforcingZooKeeperServer start(Path dataDir, String superDigest) throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Path portFile = dataDir.resolveSibling(dataDir.getFileName() + ".port");
        Path log = dataDir.resolveSibling(dataDir.getFileName() + "-server.log");
        List<String> command = new ArrayList<>(List.of(java, "-Xmx192m", "-Xshare:off",
                "-Dzookeeper.enforce.auth.enabled=true", "-Dzookeeper.enforce.auth.schemes=digest",
                "-Dzookeeper.DigestAuthenticationProvider.superDigest=" + superDigest, "-cp",
                System.getProperty("java.class.path"), EnforcingZooKeeperServer.class.getName(), dataDir.toString(),
                portFile.toString()));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        try {
            String port = await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100))
                    .until(() -> Files.exists(portFile) ? Files.readString(portFile).trim() : "",
                            value -> !value.isEmpty() || !process.isAlive());
            if (port.isEmpty()) {
                throw new IllegalStateException("ZooKeeper server process ended before it served; see " + log);
            }
            return new EnforcingZooKeeperServer(process, Integer.parseInt(port));
        }
        catch (RuntimeException ex) {
            process.destroyForcibly();
            throw ex;
        }
    }

    String connectString() {
        return "127.0.0.1:" + this.port;
    }

    @Override
    public void close() throws InterruptedException {
        this.process.destroy();
        if (!this.process.waitFor(20, TimeUnit.SECONDS)) {
            this.process.destroyForcibly();
        }
    }

    /** Runs the server until its parent closes the standard input or terminates it. */
    public static void main(String[] args) throws IOException {
        Path dataDir = Files.createDirectories(Path.of(args[0]));
        RegistryServer server = new RegistryServer(RegistryServerSettings.builder().bindAddress("127.0.0.1")
                .clientPort(0).dataDir(dataDir).tickTime(Duration.ofMillis(200)).purgeInterval(Duration.ZERO)
                .build());
        server.start();
        Runtime.getRuntime().addShutdownHook(new Thread(server::stop));
        Path portFile = Path.of(args[1]);
        Path written = Files.writeString(portFile.resolveSibling(portFile.getFileName() + ".tmp"),
                String.valueOf(server.clientPort()));
        Files.move(written, portFile, StandardCopyOption.ATOMIC_MOVE);
        while (System.in.read() != -1) {
            // serve until the parent goes away
        }
        server.stop();
    }
}
