package dev.meshkeeper.zookeeper;

import org.springframework.boot.testcontainers.service.connection.ContainerConnectionDetailsFactory;
import org.springframework.boot.testcontainers.service.connection.ContainerConnectionSource;

/**
 * {@code @ServiceConnection} support: a {@link MeshkeeperRegistryContainer} becomes
 * {@link ZooKeeperConnectionDetails}.
 */
class MeshkeeperRegistryContainerConnectionDetailsFactory
        extends ContainerConnectionDetailsFactory<MeshkeeperRegistryContainer, ZooKeeperConnectionDetails> {

    @Override
    protected ZooKeeperConnectionDetails getContainerConnectionDetails(
            ContainerConnectionSource<MeshkeeperRegistryContainer> source) {
        return new RegistryContainerConnectionDetails(source);
    }

    private static final class RegistryContainerConnectionDetails
            extends ContainerConnectionDetails<MeshkeeperRegistryContainer> implements ZooKeeperConnectionDetails {

        RegistryContainerConnectionDetails(ContainerConnectionSource<MeshkeeperRegistryContainer> source) {
            super(source);
        }

        @Override
        public String connectString() {
            return getContainer().getConnectString();
        }
    }
}
