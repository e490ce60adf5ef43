package dev.meshkeeper.config;

import java.util.List;
import org.apache.commons.logging.Log;
import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.context.config.ConfigDataEnvironmentPostProcessor;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName;
import org.springframework.boot.logging.DeferredLogFactory;
import org.springframework.cloud.zookeeper.config.AbstractZookeeperPropertySource;
import org.springframework.core.Ordered;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MutablePropertySources;
import org.springframework.core.env.PropertySource;

/**
 * Settings ZooKeeper config cannot change: whether Meshkeeper and its mutual TLS are on, the SSL bundle names and
 * definitions, and the web server's TLS ({@code meshkeeper.enabled}, {@code meshkeeper.security.mtls.enabled},
 * {@code meshkeeper.security.mtls.bundle}, {@code spring.ssl.*}, {@code server.ssl.*}). Whoever can write a config
 * context could otherwise switch TLS off or swap the trusted CA of every application that loads it.
 * <p>
 * Right after the config data is loaded, every ZooKeeper property source holding such a key is replaced by one
 * that hides it (same name, same position, the same values otherwise), with one WARN per key and context naming the
 * key (never the value); the live refresh keeps hiding them, also when they are written later. These keys are set
 * in the application's own configuration (files, environment variables, arguments).
 */
final class LocalOnlyKeys implements EnvironmentPostProcessor, Ordered {

    private static final List<ConfigurationPropertyName> LOCAL_ONLY = List.of(
            ConfigurationPropertyName.of("meshkeeper.enabled"),
            ConfigurationPropertyName.of("meshkeeper.security.mtls.enabled"),
            ConfigurationPropertyName.of("meshkeeper.security.mtls.bundle"), ConfigurationPropertyName.of("spring.ssl"),
            ConfigurationPropertyName.of("server.ssl"));

    private final Log log;

    LocalOnlyKeys(DeferredLogFactory logFactory) {
        this.log = logFactory.getLog(LiveZookeeperPropertySource.class);
    }

    /** Whether {@code key}, in any relaxed spelling, is one ZooKeeper config cannot set. */
    static boolean isLocalOnly(String key) {
        ConfigurationPropertyName name = ConfigurationPropertyName.adapt(key, '.');
        if (name.isEmpty()) {
            return false;
        }
        for (ConfigurationPropertyName localOnly : LOCAL_ONLY) {
            if (localOnly.equals(name) || localOnly.isAncestorOf(name)) {
                return true;
            }
        }
        return false;
    }

    @Override
    public int getOrder() {
        return ConfigDataEnvironmentPostProcessor.ORDER + 1;
    }

    @Override
    public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
        MutablePropertySources sources = environment.getPropertySources();
        for (PropertySource<?> source : sources) {
            if (source instanceof AbstractZookeeperPropertySource loaded
                    && !(source instanceof LiveZookeeperPropertySource) && holdsLocalOnlyKey(loaded)) {
                sources.replace(loaded.getName(), LiveZookeeperPropertySource.copyOf(loaded, this.log));
            }
        }
    }

    private static boolean holdsLocalOnlyKey(AbstractZookeeperPropertySource source) {
        for (String name : source.getPropertyNames()) {
            if (isLocalOnly(name)) {
                return true;
            }
        }
        return false;
    }
}
