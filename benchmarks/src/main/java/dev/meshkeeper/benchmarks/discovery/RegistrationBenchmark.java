package dev.meshkeeper.benchmarks.discovery;

import dev.meshkeeper.registry.server.RegistryServer;
import dev.meshkeeper.registry.server.RegistryServerSettings;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.RetryOneTime;
import org.apache.curator.x.discovery.ServiceDiscovery;
import org.apache.curator.x.discovery.ServiceDiscoveryBuilder;
import org.apache.curator.x.discovery.ServiceInstance;
import org.apache.curator.x.discovery.details.JsonInstanceSerializer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
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
 * One registration and deregistration of a service instance, written through the starter's path (Spring Cloud
 * Zookeeper's {@code ServiceRegistry} as the starter configures it: bounded by the operation timeout, Meshkeeper's
 * validating serializer, the registration with Meshkeeper's metadata) against raw Curator
 * {@code ServiceDiscovery.registerService}/{@code unregisterService} of the same payload, on one server (fsync on),
 * one thread each. Both write one ephemeral node and delete it. {@code meshkeeperRegistryUnwatchedService} writes
 * through the starter's path under a service the application does not watch, and
 * {@code applicationServiceDiscovery} through the application's own {@code ServiceDiscovery} bean directly, which
 * together locate the cost: the registry wrapper, the application's watch on its own service, or the connection.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 3)
@Measurement(iterations = 3, time = 3)
@Fork(1)
public class RegistrationBenchmark {

    private Path dataDir;

    private RegistryServer server;

    private ConfigurableApplicationContext application;

    private ServiceRegistry<ZookeeperRegistration> registry;

    private ZookeeperRegistration registration;

    private CuratorFramework curator;

    private ServiceDiscovery<ZookeeperInstance> applicationDiscovery;

    private ServiceDiscovery<ZookeeperInstance> discovery;

    private ServiceInstance<ZookeeperInstance> instance;

    /** The same registration under a service the application does not watch. */
    private ZookeeperRegistration unwatched;

    @Setup(Level.Trial)
    @SuppressWarnings("unchecked")
    public void start() throws Exception {
        this.dataDir = Files.createTempDirectory("meshkeeper-registration-bench");
        this.server = new RegistryServer(RegistryServerSettings.builder().bindAddress("127.0.0.1").clientPort(0)
                .dataDir(this.dataDir).build());
        this.server.start();
        this.application = new SpringApplicationBuilder(BenchApplication.class).web(WebApplicationType.NONE)
                .bannerMode(Banner.Mode.OFF).logStartupInfo(false)
                .run("--spring.application.name=registration-bench",
                        "--spring.cloud.zookeeper.connect-string=" + this.server.connectString(),
                        "--spring.cloud.zookeeper.config.enabled=false",
                        "--spring.cloud.zookeeper.discovery.instance-host=127.0.0.1",
                        "--spring.cloud.zookeeper.discovery.instance-port=18080",
                        "--meshkeeper.discovery.zone=zone-a", "--meshkeeper.discovery.version=1.0.0",
                        "--meshkeeper.discovery.weight=2");
        this.registry = this.application.getBean(ServiceRegistry.class);
        this.registration = this.application.getBean(ZookeeperRegistration.class);
        this.applicationDiscovery = this.application.getBean(ServiceDiscovery.class);
        this.curator = CuratorFrameworkFactory.newClient(this.server.connectString(), new RetryOneTime(100));
        this.curator.start();
        this.curator.blockUntilConnected(30, TimeUnit.SECONDS);
        this.discovery = ServiceDiscoveryBuilder.builder(ZookeeperInstance.class).client(this.curator)
                .basePath("/services-raw").serializer(new JsonInstanceSerializer<>(ZookeeperInstance.class)).build();
        this.discovery.start();
        ServiceInstance<ZookeeperInstance> template = this.registration.getServiceInstance();
        this.instance = ServiceInstance.<ZookeeperInstance>builder().name("registration-bench").id("raw-1")
                .address("127.0.0.1").port(18080)
                .payload(new ZookeeperInstance("raw-1", "registration-bench",
                        Map.copyOf(template.getPayload().getMetadata())))
                .build();
        this.unwatched = new ServiceInstanceRegistration(ServiceInstance.<ZookeeperInstance>builder()
                .name("registration-bench-unwatched").id("unwatched-1").address("127.0.0.1").port(18080)
                .payload(new ZookeeperInstance("unwatched-1", "registration-bench-unwatched",
                        Map.copyOf(template.getPayload().getMetadata()))));
    }

    @TearDown(Level.Trial)
    public void stop() throws IOException {
        try {
            this.discovery.close();
        }
        finally {
            this.curator.close();
            this.application.close();
            this.server.close();
            try (Stream<Path> files = Files.walk(this.dataDir)) {
                files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
            }
        }
    }

    @Benchmark
    public ZookeeperRegistration meshkeeperRegistry() {
        this.registry.register(this.registration);
        this.registry.deregister(this.registration);
        return this.registration;
    }

    /**
     * The starter's path for a service the application does not watch: no cache on the application's connection
     * reacts to the writes (the application watches its own service, to follow an operator's status changes).
     */
    @Benchmark
    public ZookeeperRegistration meshkeeperRegistryUnwatchedService() {
        this.registry.register(this.unwatched);
        this.registry.deregister(this.unwatched);
        return this.unwatched;
    }

    @Benchmark
    public ServiceInstance<ZookeeperInstance> applicationServiceDiscovery() throws Exception {
        this.applicationDiscovery.registerService(this.registration.getServiceInstance());
        this.applicationDiscovery.unregisterService(this.registration.getServiceInstance());
        return this.registration.getServiceInstance();
    }

    @Benchmark
    public ServiceInstance<ZookeeperInstance> curatorServiceDiscovery() throws Exception {
        this.discovery.registerService(this.instance);
        this.discovery.unregisterService(this.instance);
        return this.instance;
    }

    @Configuration(proxyBeanMethods = false)
    @EnableAutoConfiguration
    static class BenchApplication {

    }
}
