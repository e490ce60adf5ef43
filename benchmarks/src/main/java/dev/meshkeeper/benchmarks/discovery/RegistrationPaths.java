package dev.meshkeeper.benchmarks.discovery;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.framework.recipes.cache.CuratorCache;
import org.apache.curator.retry.RetryOneTime;
import org.apache.curator.x.discovery.ServiceDiscovery;
import org.apache.curator.x.discovery.ServiceDiscoveryBuilder;
import org.apache.curator.x.discovery.ServiceInstance;
import org.apache.curator.x.discovery.details.JsonInstanceSerializer;
import org.springframework.boot.Banner;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.cloud.client.serviceregistry.ServiceRegistry;
import org.springframework.cloud.zookeeper.discovery.ZookeeperInstance;
import org.springframework.cloud.zookeeper.serviceregistry.ServiceInstanceRegistration;
import org.springframework.cloud.zookeeper.serviceregistry.ZookeeperRegistration;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Configuration;

/**
 * The ways of registering and deregistering one instance that {@link RegistrationBenchmark} and
 * {@link RegistrationTrafficHarness} compare, all against one server and all writing the same JSON (the starter's
 * registration: same id, metadata and URI spec), one ephemeral node each:
 * <ul>
 * <li>{@link #STARTER}: the starter's {@code ServiceRegistry} with the application's own registration. The
 * application watches its own service (to follow an operator's status change and to confirm OUT_OF_SERVICE on
 * shutdown), so its cache re-reads the node after every write, on the writing session;</li>
 * <li>{@link #RAW_WATCHED}: raw Curator {@code ServiceDiscovery} on a client of its own, with a {@code CuratorCache}
 * on that client over the service it writes: the like-for-like baseline of {@link #STARTER};</li>
 * <li>{@link #STARTER_UNWATCHED}: the starter's {@code ServiceRegistry} with the same registration under a service
 * nobody watches;</li>
 * <li>{@link #RAW}: raw Curator {@code ServiceDiscovery}, nobody watching: the baseline of
 * {@link #STARTER_UNWATCHED};</li>
 * <li>{@link #APPLICATION_DISCOVERY}: the application's own Curator {@code ServiceDiscovery} bean, called directly
 * (the starter's path without Spring Cloud's registry and Meshkeeper's bounded wrapper);</li>
 * <li>{@link #RAW_OBSERVED}: raw Curator with the cache on another client (another session) instead.</li>
 * </ul>
 */
final class RegistrationPaths implements AutoCloseable {

    static final String STARTER = "starter's ServiceRegistry, own (watched) service";

    static final String RAW_WATCHED = "raw Curator, a CuratorCache on the writing client";

    static final String STARTER_UNWATCHED = "starter's ServiceRegistry, unwatched service";

    static final String RAW = "raw Curator ServiceDiscovery";

    static final String APPLICATION_DISCOVERY = "application's ServiceDiscovery bean, own service";

    static final String RAW_OBSERVED = "raw Curator, a CuratorCache on another client";

    private static final String SERVICE = "registration-bench";

    final ConfigurableApplicationContext application;

    final CuratorFramework curator;

    final CuratorFramework observer;

    private final ServiceRegistry<ZookeeperRegistration> registry;

    private final ZookeeperRegistration registration;

    private final ServiceDiscovery<ZookeeperInstance> applicationDiscovery;

    private final ZookeeperRegistration unwatched;

    private final ServiceInstance<ZookeeperInstance> instance;

    private final ServiceDiscovery<ZookeeperInstance> raw;

    private final ServiceDiscovery<ZookeeperInstance> rawWatched;

    private final ServiceDiscovery<ZookeeperInstance> rawObserved;

    private final CuratorCache ownCache;

    private final CuratorCache observerCache;

    @SuppressWarnings("unchecked")
    RegistrationPaths(String connectString) throws Exception {
        this.application = new SpringApplicationBuilder(BenchApplication.class).web(WebApplicationType.NONE)
                .bannerMode(Banner.Mode.OFF).logStartupInfo(false)
                .run("--spring.application.name=" + SERVICE, "--spring.cloud.zookeeper.connect-string=" + connectString,
                        "--spring.cloud.zookeeper.config.enabled=false",
                        "--spring.cloud.zookeeper.discovery.instance-host=127.0.0.1",
                        "--spring.cloud.zookeeper.discovery.instance-port=18080",
                        "--meshkeeper.discovery.zone=zone-a", "--meshkeeper.discovery.version=1.0.0",
                        "--meshkeeper.discovery.weight=2");
        this.registry = this.application.getBean(ServiceRegistry.class);
        this.registration = this.application.getBean(ZookeeperRegistration.class);
        this.applicationDiscovery = this.application.getBean(ServiceDiscovery.class);
        ServiceInstance<ZookeeperInstance> own = this.registration.getServiceInstance();
        this.instance = copy(own, own.getName());
        this.unwatched = new ServiceInstanceRegistration(ServiceInstance.<ZookeeperInstance>builder()
                .name(SERVICE + "-unwatched").id(own.getId()).address(own.getAddress()).port(own.getPort())
                .uriSpec(own.getUriSpec()).registrationTimeUTC(own.getRegistrationTimeUTC())
                .payload(payload(own, SERVICE + "-unwatched")));
        this.curator = started(connectString);
        this.observer = started(connectString);
        this.raw = discovery(this.curator, "/services-raw");
        this.rawWatched = discovery(this.curator, "/services-watched");
        this.ownCache = CuratorCache.build(this.curator, "/services-watched/" + SERVICE);
        this.ownCache.start();
        this.rawObserved = discovery(this.curator, "/services-observed");
        this.observerCache = CuratorCache.build(this.observer, "/services-observed/" + SERVICE);
        this.observerCache.start();
    }

    /** The paths by name, each one register + deregister cycle; benchmark pairs first. */
    Map<String, Cycle> all() {
        Map<String, Cycle> all = new LinkedHashMap<>();
        all.put(RAW, this::raw);
        all.put(STARTER_UNWATCHED, this::starterUnwatched);
        all.put(RAW_WATCHED, this::rawWatched);
        all.put(STARTER, this::starter);
        all.put(APPLICATION_DISCOVERY, this::applicationDiscovery);
        all.put(RAW_OBSERVED, this::rawObserved);
        return all;
    }

    void starter() {
        this.registry.register(this.registration);
        this.registry.deregister(this.registration);
    }

    void starterUnwatched() {
        this.registry.register(this.unwatched);
        this.registry.deregister(this.unwatched);
    }

    void applicationDiscovery() throws Exception {
        this.applicationDiscovery.registerService(this.registration.getServiceInstance());
        this.applicationDiscovery.unregisterService(this.registration.getServiceInstance());
    }

    void raw() throws Exception {
        this.raw.registerService(this.instance);
        this.raw.unregisterService(this.instance);
    }

    void rawWatched() throws Exception {
        this.rawWatched.registerService(this.instance);
        this.rawWatched.unregisterService(this.instance);
    }

    void rawObserved() throws Exception {
        this.rawObserved.registerService(this.instance);
        this.rawObserved.unregisterService(this.instance);
    }

    /** The JSON each path writes, by path, to show that they write the same bytes. */
    Map<String, Integer> payloadSizes() throws Exception {
        JsonInstanceSerializer<ZookeeperInstance> json = new JsonInstanceSerializer<>(ZookeeperInstance.class);
        Map<String, Integer> sizes = new LinkedHashMap<>();
        sizes.put(STARTER, json.serialize(this.registration.getServiceInstance()).length);
        sizes.put(STARTER_UNWATCHED, json.serialize(this.unwatched.getServiceInstance()).length);
        sizes.put(RAW, json.serialize(this.instance).length);
        return sizes;
    }

    @Override
    public void close() throws Exception {
        try {
            this.observerCache.close();
            this.ownCache.close();
            this.rawObserved.close();
            this.rawWatched.close();
            this.raw.close();
        }
        finally {
            this.observer.close();
            this.curator.close();
            this.application.close();
        }
    }

    private static ServiceInstance<ZookeeperInstance> copy(ServiceInstance<ZookeeperInstance> own, String name) {
        return new ServiceInstance<>(name, own.getId(), own.getAddress(), own.getPort(), own.getSslPort(),
                payload(own, name), own.getRegistrationTimeUTC(), own.getServiceType(), own.getUriSpec(),
                own.isEnabled());
    }

    private static ZookeeperInstance payload(ServiceInstance<ZookeeperInstance> own, String name) {
        return new ZookeeperInstance(own.getPayload().getId(), name, Map.copyOf(own.getPayload().getMetadata()));
    }

    private static CuratorFramework started(String connectString) throws InterruptedException {
        CuratorFramework client = CuratorFrameworkFactory.newClient(connectString, new RetryOneTime(100));
        client.start();
        client.blockUntilConnected(30, TimeUnit.SECONDS);
        return client;
    }

    private static ServiceDiscovery<ZookeeperInstance> discovery(CuratorFramework client, String basePath)
            throws Exception {
        ServiceDiscovery<ZookeeperInstance> discovery = ServiceDiscoveryBuilder.builder(ZookeeperInstance.class)
                .client(client).basePath(basePath).serializer(new JsonInstanceSerializer<>(ZookeeperInstance.class))
                .build();
        discovery.start();
        return discovery;
    }

    /** One register + deregister cycle. */
    @FunctionalInterface
    interface Cycle {

        void run() throws Exception;
    }

    @Configuration(proxyBeanMethods = false)
    @EnableAutoConfiguration
    static class BenchApplication {

    }
}
