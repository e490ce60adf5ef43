package dev.meshkeeper.testapps;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.x.discovery.ServiceInstance;
import org.apache.curator.x.discovery.details.JsonInstanceSerializer;
import org.apache.zookeeper.KeeperException;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.cloud.zookeeper.discovery.ZookeeperInstance;
import org.springframework.cloud.zookeeper.serviceregistry.ZookeeperRegistration;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The real applications the end-to-end tests start against the embedded registry: providers ({@link ProviderApp},
 * a web application on 127.0.0.1 and a random port that registers and answers {@link ProviderEndpoints}) and
 * consumers ({@link ConsumerApp}, with a {@code @LoadBalanced RestClient.Builder}).
 * <p>
 * Properties given to {@link MeshApp#properties} are default properties, so that configuration read from ZooKeeper
 * overrides them; arguments given to {@link MeshApp#run} are command-line arguments ({@code --key=value}) and win over
 * it.
 */
public final class MeshApps {

    private MeshApps() {
    }

    /** A provider registered as {@code service}, started with {@code properties} as default properties. */
    public static ConfigurableApplicationContext provider(String connectString, String service,
            String... properties) {
        return providerApp(connectString, service).properties(properties).run();
    }

    /** A non-web consumer (it does not register), started with {@code properties} as default properties. */
    public static ConfigurableApplicationContext consumer(String connectString, String service,
            String... properties) {
        return consumerApp(connectString, service).properties(properties).run();
    }

    /** A provider to start: a servlet web application on a random port, registered as {@code service}. */
    public static MeshApp providerApp(String connectString, String service) {
        return new MeshApp(ProviderApp.class, WebApplicationType.SERVLET, connectString, service).properties(
                "server.port=0");
    }

    /** A consumer to start: a non-web application named {@code name}; as a web application it takes a random port. */
    public static MeshApp consumerApp(String connectString, String name) {
        return new MeshApp(ConsumerApp.class, WebApplicationType.NONE, connectString, name).properties(
                "server.port=0");
    }

    /** The registration of an instance as ZooKeeper holds it, or {@code null} when its node is absent. */
    public static ServiceInstance<ZookeeperInstance> node(CuratorFramework curator, String service, String id)
            throws Exception {
        try {
            return new JsonInstanceSerializer<>(ZookeeperInstance.class)
                    .deserialize(curator.getData().forPath("/services/" + service + "/" + id));
        }
        catch (KeeperException.NoNodeException ex) {
            return null;
        }
    }

    /** The id a provider registered with. */
    public static String instanceId(ConfigurableApplicationContext provider) {
        return provider.getBean(ZookeeperRegistration.class).getServiceInstance().getId();
    }

    /** The port a web application listens on. */
    public static String port(ConfigurableApplicationContext application) {
        return application.getEnvironment().getProperty("local.server.port");
    }

    /** The endpoints of a started provider. */
    public static ProviderEndpoints endpoints(ConfigurableApplicationContext provider) {
        return provider.getBean(ProviderEndpoints.class);
    }

    /** One application to start, on loopback, connected to the registry at the given connect string. */
    public static final class MeshApp {

        private final List<Class<?>> sources = new ArrayList<>();

        private final List<String> properties = new ArrayList<>();

        private WebApplicationType type;

        private MeshApp(Class<?> application, WebApplicationType type, String connectString, String name) {
            this.sources.add(application);
            this.type = type;
            this.properties.addAll(List.of("spring.application.name=" + name,
                    "spring.config.import=optional:zookeeper:",
                    "spring.cloud.zookeeper.connect-string=" + connectString,
                    "spring.cloud.zookeeper.discovery.instance-host=127.0.0.1", "spring.main.banner-mode=off",
                    "management.endpoints.web.exposure.include=health,meshkeeper"));
        }

        /** Adds configuration classes of the test's own (beans, controllers) to the application. */
        public MeshApp with(Class<?>... configurations) {
            this.sources.addAll(Arrays.asList(configurations));
            return this;
        }

        /** The kind of web application (a provider is a servlet one, a consumer none, unless changed here). */
        public MeshApp web(WebApplicationType type) {
            this.type = type;
            return this;
        }

        /** Default properties ({@code key=value}): configuration from ZooKeeper overrides them. */
        public MeshApp properties(String... properties) {
            this.properties.addAll(Arrays.asList(properties));
            return this;
        }

        /** Starts the application with {@code arguments} ({@code --key=value}) on its command line. */
        public ConfigurableApplicationContext run(String... arguments) {
            return new SpringApplicationBuilder(this.sources.toArray(Class<?>[]::new)).web(this.type)
                    .properties(this.properties.toArray(String[]::new)).run(arguments);
        }
    }
}
