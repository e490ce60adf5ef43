package dev.meshkeeper.zookeeper;

import org.apache.curator.framework.CuratorFrameworkFactory;
import org.springframework.boot.context.properties.bind.Binder;

/**
 * Adjusts every Curator client that Spring Cloud Zookeeper builds from the application's properties: the client
 * that loads configuration at start-up ({@code spring.config.import=zookeeper:}, built before any bean exists) and
 * the application's {@code curatorFramework} bean. Both get the same settings, so a credential or a TLS setting never
 * reaches one client only.
 * <p>
 * Implementations are listed in {@code META-INF/spring.factories} under this interface's name and need a public
 * no-argument constructor. They must not connect anywhere; they read their settings from the {@link Binder} and
 * fail with an exception naming the property when a setting is unusable.
 */
@FunctionalInterface
public interface ZooKeeperClientCustomizer {

    /**
     * Apply settings to a Curator builder before the client is built.
     * @param builder the builder Spring Cloud Zookeeper is about to build
     * @param binder the application's properties
     */
    void customize(CuratorFrameworkFactory.Builder builder, Binder binder);
}
