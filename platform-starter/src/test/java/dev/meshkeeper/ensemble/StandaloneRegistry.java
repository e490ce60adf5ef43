package dev.meshkeeper.ensemble;

import dev.meshkeeper.registry.server.RegistryServer;
import dev.meshkeeper.registry.server.RegistryServerSettings;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;

/**
 * A standalone registry server (one ZooKeeper server) in a JVM of its own, started by {@link RegistryProcess}, so
 * that tests can kill it with SIGKILL or pause it with SIGSTOP.
 * <p>
 * Arguments: {@code <clientPort> <dataDir>}. Prints {@value #READY} followed by the port once the server listens.
 * The server also exits when its standard input reaches its end, i.e. when the test JVM that started it is gone,
 * so a crashed build leaves no server behind.
 */
final class StandaloneRegistry {

    static final String READY = "STANDALONE-REGISTRY READY ";

    private StandaloneRegistry() {
    }

    public static void main(String[] args) throws IOException {
        if (args.length != 2) {
            System.err.println("usage: StandaloneRegistry <clientPort> <dataDir>");
            System.exit(2);
        }
        RegistryServerSettings settings = RegistryServerSettings.builder().bindAddress("127.0.0.1")
                .clientPort(Integer.parseInt(args[0])).dataDir(Path.of(args[1])).tickTime(Duration.ofMillis(200))
                .maxSessionTimeout(Duration.ofSeconds(60)).purgeInterval(Duration.ZERO)
                .startupTimeout(Duration.ofSeconds(60)).build();
        RegistryServer server = new RegistryServer(settings);
        server.start();
        Runtime.getRuntime().addShutdownHook(new Thread(server::close, "standalone-registry-shutdown"));
        System.out.println(READY + server.clientPort());
        System.out.flush();
        while (System.in.read() >= 0) {
            // Nothing is ever sent: the read only returns at the end of the stream.
        }
        System.exit(0);
    }
}
