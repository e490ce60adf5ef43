package dev.meshkeeper.config;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.apache.curator.framework.CuratorFramework;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.cloud.zookeeper.config.ZookeeperConfigProperties;
import org.springframework.cloud.zookeeper.config.ZookeeperPropertySources;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MutablePropertySources;
import org.springframework.core.env.PropertySource;

/**
 * The config contexts Spring Cloud Zookeeper would have loaded ({@code /config/application}, {@code /config/{app}},
 * with their profiles) for an application that started while ZooKeeper was absent with
 * {@code spring.config.import=optional:zookeeper:}: they are added to the environment empty, where Spring Cloud
 * Zookeeper puts them (above the application's own configuration files), so that the live refresh can watch them
 * and apply their values as soon as ZooKeeper appears.
 */
final class AbsentConfigContexts {

    private static final Logger logger = LoggerFactory.getLogger(AbsentConfigContexts.class);

    private AbsentConfigContexts() {
    }

    /**
     * Adds an empty source for every context Spring Cloud Zookeeper would load, unless ZooKeeper configuration is
     * not imported or switched off.
     * @return the sources added, most specific first
     */
    static List<LiveZookeeperPropertySource> add(ConfigurableEnvironment environment, CuratorFramework curator) {
        String imports = environment.getProperty("spring.config.import", "");
        if (!imports.contains("zookeeper:")) {
            return List.of();
        }
        ZookeeperConfigProperties properties = Binder.get(environment)
                .bind(ZookeeperConfigProperties.PREFIX, ZookeeperConfigProperties.class)
                .orElseGet(ZookeeperConfigProperties::new);
        if (!properties.isEnabled()) {
            return List.of();
        }
        if (properties.getName() == null || properties.getName().isBlank()) {
            properties.setName(environment.getProperty("spring.application.name", "application"));
        }
        List<String> profiles = Arrays.asList((environment.getActiveProfiles().length > 0)
                ? environment.getActiveProfiles() : environment.getDefaultProfiles());
        // Spring Cloud Zookeeper's API takes a commons-logging Log.
        List<String> contexts = new ArrayList<>(new ZookeeperPropertySources(properties,
                org.apache.commons.logging.LogFactory.getLog(AbsentConfigContexts.class))
                .getAutomaticContexts(profiles));
        contexts.replaceAll(context -> context.startsWith("/") ? context : "/" + context);
        // Spring Cloud Zookeeper lists them from the most general to the most specific, which wins.
        java.util.Collections.reverse(contexts);
        MutablePropertySources sources = environment.getPropertySources();
        String before = firstConfigFile(sources);
        List<LiveZookeeperPropertySource> added = new ArrayList<>();
        for (String context : contexts) {
            if (sources.contains(context)) {
                continue;
            }
            LiveZookeeperPropertySource source = new LiveZookeeperPropertySource(context, context, curator, Map.of());
            if (added.isEmpty()) {
                if (before != null) {
                    sources.addBefore(before, source);
                }
                else {
                    sources.addLast(source);
                }
            }
            else {
                sources.addAfter(added.get(added.size() - 1).getName(), source);
            }
            added.add(source);
        }
        if (!added.isEmpty()) {
            logger.info("ZooKeeper was not reachable when the application started: watching config contexts "
                    + contexts + ", whose values apply as soon as ZooKeeper is reachable");
        }
        return added;
    }

    /** The application's first configuration file, or default properties, which ZooKeeper config ranks above. */
    private static String firstConfigFile(MutablePropertySources sources) {
        for (PropertySource<?> source : sources) {
            if (source.getName().startsWith("Config resource") || source.getName().equals("defaultProperties")) {
                return source.getName();
            }
        }
        return null;
    }
}
