package dev.meshkeeper.registry.zookeeper;

import java.util.Map;
import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.core.env.ConfigurableEnvironment;

/**
 * Sets {@code meshkeeper.registry.system-properties.*} as JVM system properties as soon as the configuration is
 * read, before any ZooKeeper class loads: some ZooKeeper settings ({@code jute.maxbuffer}, TLS, authentication
 * providers, {@code zookeeper.enforce.auth.*}) are read from system properties once, when its classes load, not
 * from zoo.cfg. A property already set (e.g. with {@code -D}) is left as it is.
 */
class RegistrySystemProperties implements EnvironmentPostProcessor {

    static final String PREFIX = "meshkeeper.registry.system-properties";

    @Override
    public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
        Map<String, String> properties = Binder.get(environment)
                .bind(PREFIX, Bindable.mapOf(String.class, String.class)).orElse(Map.of());
        properties.forEach((key, value) -> {
            if (System.getProperty(key) == null) {
                System.setProperty(key, value);
            }
        });
    }
}
