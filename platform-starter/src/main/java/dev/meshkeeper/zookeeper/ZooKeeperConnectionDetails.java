package dev.meshkeeper.zookeeper;

import org.springframework.boot.autoconfigure.service.connection.ConnectionDetails;

/**
 * Where the application's ZooKeeper is, as Spring Boot's service connections describe it (e.g. from a
 * Testcontainers {@code @ServiceConnection}). When a bean of this type exists, the application's Curator client
 * connects to its {@link #connectString()} instead of {@code spring.cloud.zookeeper.connect-string}.
 * <p>
 * {@code spring.config.import=zookeeper:} is resolved before any bean exists, so it cannot use connection
 * details: with a config import, set {@code spring.cloud.zookeeper.connect-string} as a property instead (in
 * tests: {@code @DynamicPropertySource} or {@code @EmbeddedRegistry}).
 */
public interface ZooKeeperConnectionDetails extends ConnectionDetails {

    /** ZooKeeper's connect string, {@code host:port[,host:port...]}. */
    String connectString();
}
