package dev.meshkeeper.zookeeper;

import java.util.List;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.springframework.boot.bootstrap.BootstrapRegistry;
import org.springframework.boot.bootstrap.BootstrapRegistryInitializer;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.cloud.zookeeper.CuratorFrameworkCustomizer;
import org.springframework.core.io.support.SpringFactoriesLoader;

/**
 * Applies every {@link ZooKeeperClientCustomizer} to Spring Cloud Zookeeper's Curator clients. As a
 * {@link BootstrapRegistryInitializer} it registers itself as the bootstrap {@link CuratorFrameworkCustomizer}, which
 * Spring Cloud Zookeeper applies to the client that loads configuration; as a bean it reaches the application's
 * {@code curatorFramework}. Nothing is applied when {@code meshkeeper.enabled=false}.
 */
public class ZooKeeperClientSettings implements BootstrapRegistryInitializer {

    @Override
    public void initialize(BootstrapRegistry registry) {
        registry.registerIfAbsent(CuratorFrameworkCustomizer.class,
                context -> customizer(context.get(Binder.class)));
    }

    /**
     * The customizer that applies all listed {@link ZooKeeperClientCustomizer}s with the given properties.
     * @param binder the application's properties
     * @return a customizer for Spring Cloud Zookeeper's Curator builder
     */
    static CuratorFrameworkCustomizer customizer(Binder binder) {
        boolean enabled = binder.bind("meshkeeper.enabled", Boolean.class).orElse(true);
        List<ZooKeeperClientCustomizer> customizers = enabled
                ? SpringFactoriesLoader.loadFactories(ZooKeeperClientCustomizer.class,
                        ZooKeeperClientSettings.class.getClassLoader())
                : List.of();
        return (CuratorFrameworkFactory.Builder builder) -> customizers
                .forEach(customizer -> customizer.customize(builder, binder));
    }
}
