package dev.meshkeeper.config;

import java.util.Map;
import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.core.Ordered;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;

/**
 * Switches Spring Cloud Zookeeper's own {@code ConfigWatcher} off ({@code spring.cloud.zookeeper.config.watcher
 * .enabled=false}) while Meshkeeper's live refresh is on, so one change never causes two refreshes. With
 * {@code meshkeeper.enabled=false} or {@code meshkeeper.config.enabled=false} nothing is changed and Spring Cloud
 * Zookeeper's default refresh path applies.
 */
public class ZookeeperConfigWatcherSwitch implements EnvironmentPostProcessor, Ordered {

    static final String PROPERTY_SOURCE_NAME = "meshkeeperConfigWatcherSwitch";

    @Override
    public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
        boolean on = environment.getProperty("meshkeeper.enabled", Boolean.class, true)
                && environment.getProperty("meshkeeper.config.enabled", Boolean.class, true);
        if (on && !environment.getPropertySources().contains(PROPERTY_SOURCE_NAME)) {
            environment.getPropertySources().addFirst(new MapPropertySource(PROPERTY_SOURCE_NAME,
                    Map.of("spring.cloud.zookeeper.config.watcher.enabled", "false")));
        }
    }

    @Override
    public int getOrder() {
        return Ordered.LOWEST_PRECEDENCE;
    }
}
