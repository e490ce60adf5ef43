package dev.meshkeeper.zookeeper;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Properties;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.images.builder.ImageFromDockerfile;
import org.testcontainers.utility.DockerImageName;

/**
 * The Meshkeeper registry server in a container (Testcontainers). By default it runs the image
 * {@value #DEFAULT_IMAGE}{@code :<this starter's version>}, which you build from the registry server's
 * {@code Dockerfile} or with {@code spring-boot:build-image} (see the registry server's documentation). With Spring
 * Boot:
 *
 * <pre class="code">
 * &#64;Container
 * &#64;ServiceConnection
 * static MeshkeeperRegistryContainer registry = new MeshkeeperRegistryContainer();
 * </pre>
 *
 * connects the application's Curator client to it through {@link ZooKeeperConnectionDetails}.
 * <p>
 * The container's ZooKeeper port is published to the test through Docker's port mapping, so the registry sees the
 * test's connections come from outside its own loopback: the container lets unauthenticated clients connect from
 * anywhere ({@code meshkeeper.registry.allow-unauthenticated-remote-clients=true}), which is right for a throw-away
 * test server and wrong for anything else.
 */
public class MeshkeeperRegistryContainer extends GenericContainer<MeshkeeperRegistryContainer> {

    /** The image's name; its default tag is the version of this starter. */
    public static final String DEFAULT_IMAGE = "meshkeeper/registry-server";

    /** ZooKeeper's client port inside the container. */
    public static final int CLIENT_PORT = 2181;

    /** The registry server's HTTP port inside the container. */
    public static final int HTTP_PORT = 8181;

    /** Runs {@value #DEFAULT_IMAGE}{@code :<this starter's version>}. */
    public MeshkeeperRegistryContainer() {
        this(defaultImage());
    }

    /** Runs the given image, e.g. {@code "meshkeeper/registry-server:0.1.0"} or one from your own registry. */
    public MeshkeeperRegistryContainer(String image) {
        this(DockerImageName.parse(image));
    }

    /** Runs the given image. */
    public MeshkeeperRegistryContainer(DockerImageName image) {
        super(image);
        configure(this);
    }

    private MeshkeeperRegistryContainer(Future<String> image) {
        super(image);
        configure(this);
    }

    /**
     * Builds the image from a {@code registry-server/app} module directory that holds the {@code Dockerfile} and a
     * packaged {@code target/meshkeeper-registry-server-*.jar}, then runs it: for the registry server's own source
     * tree, where no image is published yet.
     */
    public static MeshkeeperRegistryContainer fromDockerfile(Path appModule) {
        Path jar = runnableJar(appModule);
        return new MeshkeeperRegistryContainer(new ImageFromDockerfile("meshkeeper-registry-server", false)
                .withFileFromPath("Dockerfile", appModule.resolve("Dockerfile"))
                .withFileFromPath("target/" + jar.getFileName(), jar));
    }

    /** {@code host:port} of the container's ZooKeeper client port, as seen from the test. */
    public String getConnectString() {
        return getHost() + ":" + getMappedPort(CLIENT_PORT);
    }

    private static void configure(MeshkeeperRegistryContainer container) {
        container.withExposedPorts(CLIENT_PORT, HTTP_PORT);
        // The test reaches ZooKeeper through Docker's port mapping, from outside the container's loopback.
        container.withEnv("MESHKEEPER_REGISTRY_ALLOWUNAUTHENTICATEDREMOTECLIENTS", "true");
        container.withEnv("MESHKEEPER_REGISTRY_BINDADDRESS", "0.0.0.0");
        container.waitingFor(Wait.forHttp("/actuator/health").forPort(HTTP_PORT).forStatusCode(200)
                .withStartupTimeout(Duration.ofMinutes(2)));
    }

    /** {@value #DEFAULT_IMAGE}, tagged with this starter's version. */
    public static DockerImageName defaultImage() {
        return DockerImageName.parse(DEFAULT_IMAGE).withTag(defaultTag());
    }

    /** This starter's version, the default tag of {@value #DEFAULT_IMAGE}. */
    static String defaultTag() {
        try (InputStream in = MeshkeeperRegistryContainer.class.getResourceAsStream("registry-image.properties")) {
            if (in == null) {
                throw new IllegalStateException("registry-image.properties is missing from the starter's jar");
            }
            Properties properties = new Properties();
            properties.load(in);
            return properties.getProperty("tag");
        }
        catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
    }

    private static Path runnableJar(Path appModule) {
        try (Stream<Path> files = Files.list(appModule.resolve("target"))) {
            return files.filter(file -> file.getFileName().toString().startsWith("meshkeeper-registry-server-")
                    && file.getFileName().toString().endsWith(".jar")).findFirst()
                    .orElseThrow(() -> new IllegalStateException("no meshkeeper-registry-server-*.jar in "
                            + appModule.resolve("target") + "; run ./mvnw -pl registry-server/app -am package first"));
        }
        catch (IOException ex) {
            throw new IllegalStateException("cannot read " + appModule.resolve("target") + ": " + ex.getMessage(),
                    ex);
        }
    }
}
