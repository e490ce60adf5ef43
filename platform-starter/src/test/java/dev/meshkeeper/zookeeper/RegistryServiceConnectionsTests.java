package dev.meshkeeper.zookeeper;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Constructor;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.springframework.boot.docker.compose.core.ConnectionPorts;
import org.springframework.boot.docker.compose.core.ImageReference;
import org.springframework.boot.docker.compose.core.RunningService;
import org.springframework.boot.docker.compose.service.connection.DockerComposeConnectionSource;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.io.support.SpringFactoriesLoader;
import org.springframework.boot.autoconfigure.service.connection.ConnectionDetailsFactory;

/**
 * How the registry server's container and compose services become {@link ZooKeeperConnectionDetails}, checked
 * without Docker (the container itself runs in {@code MeshkeeperRegistryContainerTests} where Docker exists).
 */
@Timeout(30)
class RegistryServiceConnectionsTests {

    @Test
    void theContainerRunsTheRegistryImageTaggedWithTheStartersVersion() {
        assertThat(MeshkeeperRegistryContainer.defaultTag()).isNotBlank().doesNotContain("${");
        assertThat(MeshkeeperRegistryContainer.defaultImage().asCanonicalNameString())
                .isEqualTo("meshkeeper/registry-server:" + MeshkeeperRegistryContainer.defaultTag());
        // nothing here needs Docker until the container starts
        MeshkeeperRegistryContainer container = new MeshkeeperRegistryContainer(
                "registry.example/meshkeeper/registry-server:1.2.3");
        assertThat(container.getExposedPorts()).containsExactlyInAnyOrder(2181, 8181);
        assertThat(container.getEnvMap()).containsEntry("MESHKEEPER_REGISTRY_ALLOWUNAUTHENTICATEDREMOTECLIENTS", "true");
    }

    @Test
    void aComposeServiceRunningTheRegistryImageBecomesConnectionDetails() throws Exception {
        RegistryDockerComposeConnectionDetailsFactory factory = new RegistryDockerComposeConnectionDetailsFactory();
        ZooKeeperConnectionDetails details = factory
                .getConnectionDetails(source(service("meshkeeper/registry-server:0.1.0-SNAPSHOT", 32781)));
        assertThat(details).isNotNull();
        assertThat(details.connectString()).isEqualTo("127.0.0.1:32781");
    }

    @Test
    void aComposeServiceRunningZooKeepersOfficialImageBecomesConnectionDetailsToo() throws Exception {
        ZooKeeperConnectionDetails details = new RegistryDockerComposeConnectionDetailsFactory()
                .getConnectionDetails(source(service("zookeeper:3.9.5", 32782)));
        assertThat(details.connectString()).isEqualTo("127.0.0.1:32782");
    }

    @Test
    void otherComposeServicesAreLeftAlone() throws Exception {
        assertThat(new RegistryDockerComposeConnectionDetailsFactory()
                .getConnectionDetails(source(service("postgres:17", 5432)))).isNull();
    }

    @Test
    void bothFactoriesAreRegisteredForSpringBoot() {
        List<String> names = SpringFactoriesLoader.forDefaultResourceLocation()
                .load(ConnectionDetailsFactory.class).stream().map(factory -> factory.getClass().getName()).toList();
        assertThat(names).contains(MeshkeeperRegistryContainerConnectionDetailsFactory.class.getName(),
                RegistryDockerComposeConnectionDetailsFactory.class.getName());
    }

    private static DockerComposeConnectionSource source(RunningService service) throws Exception {
        // Spring Boot creates sources itself; its constructor is not public.
        Constructor<DockerComposeConnectionSource> constructor = DockerComposeConnectionSource.class
                .getDeclaredConstructor(RunningService.class, org.springframework.core.env.Environment.class);
        constructor.setAccessible(true);
        return constructor.newInstance(service, new StandardEnvironment());
    }

    private static RunningService service(String image, int publishedClientPort) {
        return new RunningService() {
            @Override
            public String name() {
                return "registry";
            }

            @Override
            public ImageReference image() {
                return ImageReference.of(image);
            }

            @Override
            public String host() {
                return "127.0.0.1";
            }

            @Override
            public ConnectionPorts ports() {
                return new ConnectionPorts() {
                    @Override
                    public int get(int containerPort) {
                        return (containerPort == 2181) ? publishedClientPort : -1;
                    }

                    @Override
                    public List<Integer> getAll() {
                        return List.of(publishedClientPort);
                    }

                    @Override
                    public List<Integer> getAll(String protocol) {
                        return getAll();
                    }
                };
            }

            @Override
            public Map<String, String> env() {
                return Map.of();
            }

            @Override
            public Map<String, String> labels() {
                return Map.of();
            }
        };
    }
}
