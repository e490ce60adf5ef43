package dev.meshkeeper.discovery;

import java.util.HashMap;
import java.util.Map;
import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.context.config.ConfigDataEnvironmentPostProcessor;
import org.springframework.core.Ordered;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;

/**
 * Defaults that let Meshkeeper discovery take its place in Spring Cloud, added with the lowest precedence so any
 * explicit setting wins:
 * <ul>
 * <li>{@code spring.cloud.zookeeper.loadbalancer.enabled=false}: Spring Cloud Zookeeper's LoadBalancer
 * configuration (a ZooKeeper read per lookup behind a 35 s TTL cache) steps aside for Meshkeeper's watched supplier;
 * two suppliers in one LoadBalancer context would make the choice between them arbitrary.</li>
 * <li>{@code spring.cloud.loadbalancer.zone} = {@code meshkeeper.discovery.zone}: the caller's zone for Spring Cloud
 * LoadBalancer's zone preference is the zone this instance registers.</li>
 * </ul>
 */
class DiscoveryEnvironmentDefaults implements EnvironmentPostProcessor, Ordered {

    static final String SOURCE_NAME = "meshkeeperDiscoveryDefaults";

    @Override
    public int getOrder() {
        return ConfigDataEnvironmentPostProcessor.ORDER + 10;
    }

    @Override
    public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
        if (!environment.getProperty("meshkeeper.enabled", Boolean.class, true)
                || !environment.getProperty("meshkeeper.discovery.enabled", Boolean.class, true)
                || !environment.getProperty("spring.cloud.zookeeper.discovery.enabled", Boolean.class, true)) {
            return;
        }
        Map<String, Object> defaults = new HashMap<>();
        defaults.put("spring.cloud.zookeeper.loadbalancer.enabled", "false");
        String zone = environment.getProperty("meshkeeper.discovery.zone");
        if (zone != null && !zone.isBlank()) {
            defaults.put("spring.cloud.loadbalancer.zone", zone);
        }
        environment.getPropertySources().addLast(new MapPropertySource(SOURCE_NAME, defaults));
    }
}
