package dev.meshkeeper.zookeeper;

import org.springframework.boot.docker.compose.core.RunningService;
import org.springframework.boot.docker.compose.service.connection.DockerComposeConnectionDetailsFactory;
import org.springframework.boot.docker.compose.service.connection.DockerComposeConnectionSource;

/**
 * Spring Boot's Docker Compose support: a service running the Meshkeeper registry server
 * ({@value MeshkeeperRegistryContainer#DEFAULT_IMAGE}) or ZooKeeper's official image ({@code zookeeper}) in the
 * application's {@code compose.yaml} becomes {@link ZooKeeperConnectionDetails}: the application's Curator client
 * connects to its published client port.
 */
class RegistryDockerComposeConnectionDetailsFactory
        extends DockerComposeConnectionDetailsFactory<ZooKeeperConnectionDetails> {

    private static final String[] IMAGES = { MeshkeeperRegistryContainer.DEFAULT_IMAGE, "zookeeper" };

    RegistryDockerComposeConnectionDetailsFactory() {
        super(IMAGES);
    }

    @Override
    protected ZooKeeperConnectionDetails getDockerComposeConnectionDetails(DockerComposeConnectionSource source) {
        return new RegistryServiceConnectionDetails(source.getRunningService());
    }

    static final class RegistryServiceConnectionDetails extends DockerComposeConnectionDetails
            implements ZooKeeperConnectionDetails {

        private final String connectString;

        RegistryServiceConnectionDetails(RunningService service) {
            super(service);
            this.connectString = service.host() + ":" + service.ports().get(MeshkeeperRegistryContainer.CLIENT_PORT);
        }

        @Override
        public String connectString() {
            return this.connectString;
        }
    }
}
