package dev.meshkeeper.discovery;

import java.util.Collections;
import java.util.Map;
import java.util.UUID;
import java.util.WeakHashMap;
import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.context.config.ConfigDataEnvironmentPostProcessor;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.cloud.commons.util.InetUtils;
import org.springframework.cloud.commons.util.InetUtilsProperties;
import org.springframework.core.Ordered;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;

/**
 * Gives each instance an id a person can read — {@code inventory-service-127.0.0.1-8081}, or the application name
 * and a short random suffix when the port is not known before start-up — instead of Curator's bare UUID. The id is
 * the registration's znode name under {@code /services/<service>/}. It is only a default: a
 * {@code spring.cloud.zookeeper.discovery.instance-id} set anywhere wins, and
 * {@code meshkeeper.discovery.readable-instance-id=false} leaves Spring Cloud Zookeeper's default alone.
 */
class ReadableInstanceIds implements EnvironmentPostProcessor, Ordered {

    static final String INSTANCE_ID = "spring.cloud.zookeeper.discovery.instance-id";

    static final String SOURCE_NAME = "meshkeeperReadableInstanceId";

    /** Random ids handed out, per application (weakly held: an application that is gone frees its entry). */
    private static final Map<SpringApplication, String> GENERATED = Collections.synchronizedMap(new WeakHashMap<>());

    @Override
    public int getOrder() {
        // After application.properties and config imports are read.
        return ConfigDataEnvironmentPostProcessor.ORDER + 10;
    }

    @Override
    public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
        if (!environment.getProperty("meshkeeper.enabled", Boolean.class, true)
                || !environment.getProperty("meshkeeper.discovery.readable-instance-id", Boolean.class, true)
                || environment.containsProperty(INSTANCE_ID)) {
            return;
        }
        String name = environment.getProperty("spring.application.name", "application");
        Integer port = port(environment);
        String id = (port != null) ? name + "-" + host(environment) + "-" + port : randomId(application, name);
        environment.getPropertySources()
                .addLast(new MapPropertySource(SOURCE_NAME, Map.of(INSTANCE_ID, sanitize(id))));
    }

    /**
     * A random id, the same for every environment of one application: a full refresh ({@code /actuator/refresh})
     * runs the post-processors again on a fresh copy of the environment, and a new id there would change
     * {@code spring.cloud.zookeeper.discovery.instance-id} under the running registration.
     */
    private static String randomId(SpringApplication application, String name) {
        if (application == null) {
            return name + "-" + UUID.randomUUID().toString().substring(0, 8);
        }
        return GENERATED.computeIfAbsent(application,
                (key) -> name + "-" + UUID.randomUUID().toString().substring(0, 8));
    }

    private static Integer port(ConfigurableEnvironment environment) {
        Integer port = environment.getProperty("spring.cloud.zookeeper.discovery.instance-port", Integer.class);
        if (port == null) {
            port = environment.getProperty("server.port", Integer.class);
        }
        return (port != null && port > 0) ? port : null;
    }

    private static String host(ConfigurableEnvironment environment) {
        String host = environment.getProperty("spring.cloud.zookeeper.discovery.instance-host");
        if (host != null && !host.isBlank()) {
            return host;
        }
        // The address Spring Cloud Zookeeper itself will register, found the same way.
        InetUtilsProperties properties = Binder.get(environment)
                .bind(InetUtilsProperties.PREFIX, InetUtilsProperties.class).orElseGet(InetUtilsProperties::new);
        try (InetUtils inetUtils = new InetUtils(properties)) {
            return inetUtils.findFirstNonLoopbackHostInfo().getIpAddress();
        }
    }

    /** A znode name: no slashes, and nothing a shell or URL would trip over. */
    static String sanitize(String id) {
        return id.replaceAll("[^A-Za-z0-9._-]", "-");
    }
}
