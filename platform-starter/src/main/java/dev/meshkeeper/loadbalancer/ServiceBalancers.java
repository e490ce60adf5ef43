package dev.meshkeeper.loadbalancer;

import dev.meshkeeper.discovery.WatchedInstanceListSupplier;
import dev.meshkeeper.discovery.WatchedInstances;
import dev.meshkeeper.loadbalancer.LoadBalancerConfigurations.Applied;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.UnaryOperator;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.cloud.client.ServiceInstance;
import org.springframework.cloud.client.loadbalancer.reactive.ReactiveLoadBalancer;
import org.springframework.cloud.loadbalancer.config.LoadBalancerZoneConfig;
import org.springframework.cloud.loadbalancer.core.ServiceInstanceListSupplier;
import org.springframework.cloud.loadbalancer.core.ZonePreferenceServiceInstanceListSupplier;
import org.springframework.beans.factory.support.DefaultSingletonBeanRegistry;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.util.StringUtils;

/**
 * Builds the balancer of each called service (in the service's Spring Cloud LoadBalancer child context) from the
 * application's settings, and remembers which services have one and with which strategy.
 */
final class ServiceBalancers {

    private final LoadBalancingProperties properties;

    private final OutlierEjection outlierEjection;

    private final ObservedLoad observedLoad;

    private final LoadBalancerZoneConfig zoneConfig;

    private final MeterRegistry meterRegistry;

    private final VersionSplits versionSplits;

    private final Map<String, BalancingStrategy> strategies = new ConcurrentHashMap<>();

    private final LoadBalancerConfigurations configurations;

    private final PublishedLoads publishedLoads;

    ServiceBalancers(LoadBalancingProperties properties, OutlierEjection outlierEjection, ObservedLoad observedLoad,
            PublishedLoads publishedLoads, LoadBalancerZoneConfig zoneConfig, MeterRegistry meterRegistry,
            VersionSplits versionSplits, LoadBalancerConfigurations configurations) {
        this.configurations = configurations;
        this.publishedLoads = publishedLoads;
        this.properties = properties;
        this.outlierEjection = outlierEjection;
        this.observedLoad = observedLoad;
        this.zoneConfig = zoneConfig;
        this.meterRegistry = meterRegistry;
        this.versionSplits = versionSplits;
    }

    /**
     * @param clientContext the service's Spring Cloud LoadBalancer child context, or {@code null}: where the
     * configuration named by {@code spring.cloud.loadbalancer.configurations} is built over the watched supplier
     */
    MeshkeeperLoadBalancer create(String serviceId, ObjectProvider<ServiceInstanceListSupplier> suppliers,
            ReactiveLoadBalancer.Factory<ServiceInstance> factory, ConfigurableApplicationContext clientContext) {
        BalancingStrategy strategy = this.properties.strategyFor(serviceId);
        InstanceChooser chooser = switch (strategy) {
            case ROUND_ROBIN -> new RoundRobinChooser();
            case WEIGHTED -> new SmoothWeightedChooser(this.properties.getMaxWeight());
            case LEAST_LOADED -> new LeastLoadedChooser(serviceId, this.observedLoad,
                    this.properties.getLeastLoaded(), this.publishedLoads);
        };
        UnaryOperator<List<ServiceInstance>> withoutEjected = this.outlierEjection.filterFor(serviceId);
        UnaryOperator<List<ServiceInstance>> filter = UnaryOperator.identity();
        UnaryOperator<ServiceInstanceListSupplier> decoration = (base) -> {
            // Spring Cloud's configurations apply over the watched instances only: a supplier of the application's
            // own is used as it is, as Spring Cloud LoadBalancer does.
            Applied applied = (clientContext != null && base instanceof WatchedInstanceListSupplier)
                    ? this.configurations.forService(serviceId) : Applied.DEFAULT;
            ServiceInstanceListSupplier checked = (applied == Applied.HEALTH_CHECK)
                    ? healthChecked(base, clientContext) : base;
            // Ejection and version split below the zone supplier: a zone whose instances are all ejected falls
            // back to others, and the zone is preferred among the instances of the version drawn.
            ServiceInstanceListSupplier split = new VersionSplittingServiceInstanceListSupplier(checked,
                    this.versionSplits, withoutEjected);
            ServiceInstanceListSupplier zoned = split;
            if (zonePreference() || (applied == Applied.ZONE_PREFERENCE && this.zoneConfig != null)) {
                zoned = (factory != null)
                        ? new ZonePreferenceServiceInstanceListSupplier(split, this.zoneConfig, factory)
                        : new ZonePreferenceServiceInstanceListSupplier(split, this.zoneConfig);
            }
            return switch (applied) {
                case SAME_INSTANCE_PREFERENCE -> ServiceInstanceListSupplier.builder().withBase(zoned)
                        .withSameInstancePreference().build(clientContext);
                case REQUEST_BASED_STICKY_SESSION -> ServiceInstanceListSupplier.builder().withBase(zoned)
                        .withRequestBasedStickySession().build(clientContext);
                case SUBSET -> ServiceInstanceListSupplier.builder().withBase(zoned).withSubset()
                        .build(clientContext);
                default -> zoned;
            };
        };
        Counter choices = Counter.builder("meshkeeper.loadbalancer.choices")
                .description("Instances chosen by the balancer")
                .tag("service", serviceId)
                .tag("strategy", strategy.propertyValue())
                .register(this.meterRegistry);
        this.strategies.put(serviceId, strategy);
        return new MeshkeeperLoadBalancer(serviceId, strategy, suppliers, decoration, filter, chooser, choices);
    }

    private ServiceInstanceListSupplier healthChecked(ServiceInstanceListSupplier watched,
            ConfigurableApplicationContext clientContext) {
        HealthCheckedInstances checked = new HealthCheckedInstances(watched,
                clientContext.getBean(WatchedInstances.class), clientContext);
        // Closed with the service's child context, without becoming a second supplier bean in it.
        if (clientContext.getBeanFactory() instanceof DefaultSingletonBeanRegistry registry) {
            registry.registerDisposableBean("meshkeeperHealthCheckedInstances", checked);
        }
        return checked;
    }

    /** Whether instances in the client's own zone are preferred: as configured, else when a zone is set. */
    boolean zonePreference() {
        Boolean configured = this.properties.getZonePreference();
        boolean zoneSet = this.zoneConfig != null && StringUtils.hasText(this.zoneConfig.getZone());
        return (configured != null) ? configured && this.zoneConfig != null : zoneSet;
    }

    /** The version splits in force, by called service. */
    Map<String, VersionSplit> versionSplits() {
        return this.versionSplits.all();
    }

    /** Services with a balancer, by service id, and their strategy. */
    Map<String, BalancingStrategy> strategies() {
        return new TreeMap<>(this.strategies);
    }
}
