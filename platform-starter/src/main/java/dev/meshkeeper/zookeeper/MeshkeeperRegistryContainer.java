package dev.meshkeeper.zookeeper;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.stream.Stream;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.images.builder.ImageFromDockerfile;

/**
 * The Meshkeeper registry server in a container (Testcontainers), built from the registry server's
 * {@code Dockerfile} and runnable jar (there is no published image). With Spring Boot:
 *
 * <pre class="code">
 * &#64;Container
 * &#64;ServiceConnection
 * static MeshkeeperRegistryContainer registry = new MeshkeeperRegistryContainer();
 * </pre>
 *
 * connects the application's Curator client to it through {@link ZooKeeperConnectionDetails}.
 */
public class MeshkeeperRegistryContainer extends GenericContainer<MeshkeeperRegistryContainer> {

    /** ZooKeeper's client port inside the container. */
    public static final int CLIENT_PORT = 2181;

    /** The registry server's HTTP port inside the container. */
    public static final int HTTP_PORT = 8181;

    /** Builds the image from the {@code registry-server/app} module found above the working directory. */
    public MeshkeeperRegistryContainer() {
        this(findAppModule());
    }

    /**
     * Builds the image from a {@code registry-server/app} module directory that holds the {@code Dockerfile} and
     * a packaged {@code target/meshkeeper-registry-server-*.jar}.
     */
    public MeshkeeperRegistryContainer(Path appModule) {
        super(new ImageFromDockerfile("meshkeeper-registry-server", false)
                .withFileFromPath("Dockerfile", appModule.resolve("Dockerfile"))
                .withFileFromPath("target/" + runnableJar(appModule).getFileName(), runnableJar(appModule)));
        withExposedPorts(CLIENT_PORT, HTTP_PORT);
        waitingFor(Wait.forHttp("/actuator/health").forPort(HTTP_PORT).forStatusCode(200)
                .withStartupTimeout(Duration.ofMinutes(2)));
    }

    /** {@code host:port} of the container's ZooKeeper client port, as seen from the test. */
    public String getConnectString() {
        return getHost() + ":" + getMappedPort(CLIENT_PORT);
    }

    private static Path runnableJar(Path appModule) {
        try (Stream<Path> files = Files.list(appModule.resolve("target"))) {
            return files.filter(file -> file.getFileName().toString().startsWith("meshkeeper-registry-server-")
                    && file.getFileName().toString().endsWith(".jar")).findFirst()
                    .orElseThrow(() -> new IllegalStateException("no meshkeeper-registry-server-*.jar in "
                            + appModule.resolve("target") + "; run ./mvnw -pl registry-server/app -am package first"));
        }
        catch (java.io.IOException ex) {
            throw new IllegalStateException("cannot read " + appModule.resolve("target") + ": " + ex.getMessage(),
                    ex);
        }
    }

    private static Path findAppModule() {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path candidate = dir.resolve("registry-server/app");
            if (Files.isRegularFile(candidate.resolve("Dockerfile"))) {
                return candidate;
            }
        }
        throw new IllegalStateException("no registry-server/app/Dockerfile above " + Path.of("").toAbsolutePath()
                + "; pass the module directory to new MeshkeeperRegistryContainer(Path)");
    }
}
