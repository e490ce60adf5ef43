package dev.meshkeeper.loadbalancer;

import dev.meshkeeper.ConditionalOnMeshkeeperEnabled;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import java.time.Clock;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.cloud.loadbalancer.annotation.LoadBalancerClients;
import org.springframework.cloud.loadbalancer.config.LoadBalancerAutoConfiguration;
import org.springframework.cloud.loadbalancer.config.LoadBalancerZoneConfig;
import org.springframework.cloud.loadbalancer.core.ReactorServiceInstanceLoadBalancer;
import org.springframework.cloud.loadbalancer.support.LoadBalancerClientFactory;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.cloud.context.environment.EnvironmentChangeEvent;
import org.springframework.context.ApplicationListener;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.web.client.RestClient;

/**
 * Meshkeeper's balancing strategies, zone preference and passive outlier ejection on Spring Cloud LoadBalancer:
 * every called service's child context gets a Meshkeeper balancer (unless the application defines its own), over
 * the {@code ServiceInstanceListSupplier} that context has. Works with {@code @LoadBalanced RestClient.Builder},
 * {@code RestTemplate}, {@code WebClient.Builder}, OpenFeign and Spring Cloud Gateway; a pinned version
 * ({@value PinnedVersion#HEADER}) of the request being served is carried to the calls of each of them.
 * <p>
 * A choice reads only memory: while ZooKeeper is unreachable the balancers keep choosing from whatever list the
 * supplier still offers, and ejections and observed load (held by each application for itself) are unaffected.
 */
@AutoConfiguration(after = LoadBalancerAutoConfiguration.class)
@ConditionalOnClass({ ReactorServiceInstanceLoadBalancer.class, LoadBalancerClientFactory.class })
@ConditionalOnBean(LoadBalancerClientFactory.class)
@ConditionalOnMeshkeeperEnabled
@ConditionalOnBooleanProperty(name = "meshkeeper.loadbalancer.enabled", matchIfMissing = true)
@EnableConfigurationProperties(LoadBalancingProperties.class)
@LoadBalancerClients(defaultConfiguration = BalancingClientConfiguration.class)
public class LoadBalancingAutoConfiguration {

    @Bean
    @ConditionalOnMissingBean
    OutlierEjection outlierEjection(LoadBalancingProperties properties, ObjectProvider<Clock> clock,
            ObjectProvider<MeterRegistry> meterRegistry) {
        return new OutlierEjection(properties.getOutlierEjection(), clock.getIfAvailable(Clock::systemUTC),
                meterRegistry.getIfAvailable(CompositeMeterRegistry::new));
    }

    @Bean
    ObservedLoad meshkeeperObservedLoad(LoadBalancingProperties properties, ObjectProvider<Clock> clock) {
        return new ObservedLoad(properties.getLeastLoaded().getLatencySmoothing(),
                properties.getLeastLoaded().getLatencyDecayTime(), clock.getIfAvailable(Clock::systemUTC));
    }

    @Bean
    PublishedLoads meshkeeperPublishedLoads(LoadBalancingProperties properties, ObjectProvider<Clock> clock,
            ObjectProvider<MeterRegistry> meterRegistry) {
        return new PublishedLoads(clock.getIfAvailable(Clock::systemUTC), properties.getLeastLoaded().getLoadExpiry(),
                meterRegistry.getIfAvailable(CompositeMeterRegistry::new));
    }

    @Bean
    ObservingLoadBalancerLifecycle meshkeeperObservingLoadBalancerLifecycle(ObservedLoad observedLoad,
            OutlierEjection outlierEjection, PublishedLoads publishedLoads) {
        return new ObservingLoadBalancerLifecycle(observedLoad, outlierEjection, publishedLoads);
    }

    @Bean
    ServiceBalancers meshkeeperServiceBalancers(LoadBalancingProperties properties, OutlierEjection outlierEjection,
            ObservedLoad observedLoad, PublishedLoads publishedLoads, ObjectProvider<LoadBalancerZoneConfig> zoneConfig,
            ObjectProvider<MeterRegistry> meterRegistry, VersionSplits versionSplits, Environment environment) {
        return new ServiceBalancers(properties, outlierEjection, observedLoad, publishedLoads,
                zoneConfig.getIfAvailable(),
                meterRegistry.getIfAvailable(CompositeMeterRegistry::new), versionSplits,
                new LoadBalancerConfigurations(environment));
    }

    @Bean
    VersionSplits meshkeeperVersionSplits(Environment environment) {
        return new VersionSplits(environment);
    }

    @Bean
    @ConditionalOnClass(EnvironmentChangeEvent.class)
    ApplicationListener<EnvironmentChangeEvent> meshkeeperVersionSplitsRefresher(VersionSplits versionSplits) {
        return (event) -> versionSplits.environmentChanged(event.getKeys());
    }

    @Bean
    @ConditionalOnMissingBean(name = "loadBalancingEndpointContributor")
    LoadBalancingEndpointContributor loadBalancingEndpointContributor(LoadBalancingProperties properties,
            ServiceBalancers serviceBalancers, OutlierEjection outlierEjection, ObservedLoad observedLoad,
            PublishedLoads publishedLoads) {
        return new LoadBalancingEndpointContributor(properties, serviceBalancers, outlierEjection, observedLoad,
                publishedLoads);
    }

    /**
     * Propagation of {@value PinnedVersion#HEADER} from served requests to {@code @LoadBalanced RestClient} and
     * {@code RestTemplate} calls.
     */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(RestClient.class)
    static class PinnedVersionPropagationConfiguration {

        @Bean
        static PinnedVersionPropagation meshkeeperPinnedVersionPropagation() {
            return new PinnedVersionPropagation();
        }

    }

    /** Propagation of {@value PinnedVersion#HEADER} to {@code @LoadBalanced WebClient} calls. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(name = "org.springframework.web.reactive.function.client.WebClient")
    static class WebClientPinnedVersionPropagationConfiguration {

        @Bean
        static PinnedVersionExchangeFilter meshkeeperPinnedVersionExchangeFilter() {
            return new PinnedVersionExchangeFilter();
        }

    }

    /** Propagation of {@value PinnedVersion#HEADER} to OpenFeign calls. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(name = "feign.RequestInterceptor")
    static class FeignPinnedVersionPropagationConfiguration {

        @Bean
        @ConditionalOnMissingBean
        PinnedVersionRequestInterceptor meshkeeperPinnedVersionRequestInterceptor() {
            return new PinnedVersionRequestInterceptor();
        }

    }

    /** The web filter that reads the pinned version of requests served by a reactive application. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.REACTIVE)
    @ConditionalOnClass(name = "org.springframework.web.server.WebFilter")
    static class PinnedVersionWebFilterConfiguration {

        @Bean
        @ConditionalOnMissingBean
        PinnedVersionWebFilter meshkeeperPinnedVersionWebFilter() {
            return new PinnedVersionWebFilter();
        }

    }

    /**
     * The servlet filter that reads the pinned version of served requests. A class of its own, guarded by the servlet
     * API's presence, so that a reactive application (no servlet API) never introspects a method returning a filter.
     */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
    @ConditionalOnClass(name = { "jakarta.servlet.Filter", "org.springframework.web.filter.OncePerRequestFilter" })
    static class PinnedVersionFilterConfiguration {

        @Bean
        @ConditionalOnMissingBean
        PinnedVersionFilter meshkeeperPinnedVersionFilter() {
            return new PinnedVersionFilter();
        }
    }
}
