package dev.meshkeeper.traffic;

import dev.meshkeeper.ConditionalOnMeshkeeperEnabled;
import dev.meshkeeper.actuate.MeshkeeperEndpointContributor;
import dev.meshkeeper.discovery.DiscoveryAutoConfiguration;
import dev.meshkeeper.discovery.DiscoveryRegistrationAutoConfiguration;
import dev.meshkeeper.discovery.InstanceRegistration;
import dev.meshkeeper.discovery.WatchedInstances;
import io.github.resilience4j.ratelimiter.RateLimiter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.context.event.ApplicationStartedEvent;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.cloud.context.environment.EnvironmentChangeEvent;
import org.springframework.context.ApplicationListener;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.util.function.SingletonSupplier;
import org.springframework.web.filter.OncePerRequestFilter;
import org.springframework.web.servlet.HandlerInterceptor;
import org.springframework.web.servlet.config.annotation.InterceptorRegistry;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;

/**
 * Cluster-wide rate limits: {@link ClusterRateLimits} (each instance's share of every global rate, from the
 * watched instances of its own service), a servlet filter for limits declared with a path, and a handler
 * interceptor for {@link RateLimited} handlers. The limits are the {@link TrafficProperties} bean: a live change
 * under {@code /config/...} in ZooKeeper is validated before it is applied and re-bound like any other property (an
 * invalid value is rejected and the last good limit stays), then the {@link EnvironmentChangeEvent} that follows
 * makes {@link ClusterRateLimits} rebuild the limits that changed.
 */
@AutoConfiguration(after = { DiscoveryAutoConfiguration.class, DiscoveryRegistrationAutoConfiguration.class })
@ConditionalOnClass(RateLimiter.class)
@ConditionalOnMeshkeeperEnabled
@ConditionalOnBooleanProperty(name = "meshkeeper.traffic.enabled", matchIfMissing = true)
@EnableConfigurationProperties(TrafficProperties.class)
public class TrafficAutoConfiguration {

    @Bean(destroyMethod = "close")
    @ConditionalOnMissingBean
    ClusterRateLimits clusterRateLimits(TrafficProperties properties, Environment environment,
            ObjectProvider<InstanceRegistration> registration, ObjectProvider<WatchedInstances> watchedInstances,
            ObjectProvider<MeterRegistry> meterRegistry) {
        return new ClusterRateLimits(properties, environment, environment.getProperty("spring.application.name"),
                // resolved once found: the fraction is worked out at every membership change
                SingletonSupplier.of(registration::getIfAvailable), watchedInstances.getIfAvailable(),
                meterRegistry.getIfAvailable(CompositeMeterRegistry::new));
    }

    @Bean
    @ConditionalOnBean(ClusterRateLimits.class)
    ApplicationListener<ApplicationStartedEvent> clusterRateLimitsStarter(ClusterRateLimits rateLimits) {
        return (event) -> rateLimits.start();
    }

    @Bean
    @ConditionalOnBean(ClusterRateLimits.class)
    ApplicationListener<EnvironmentChangeEvent> clusterRateLimitsRefresher(ClusterRateLimits rateLimits) {
        return (event) -> rateLimits.environmentChanged(event.getKeys());
    }

    @Bean
    @ConditionalOnMissingBean(name = "trafficEndpointContributor")
    @ConditionalOnClass(MeshkeeperEndpointContributor.class)
    TrafficEndpointContributor trafficEndpointContributor(ClusterRateLimits rateLimits) {
        return new TrafficEndpointContributor(rateLimits);
    }

    @Configuration(proxyBeanMethods = false)
    @ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
    @ConditionalOnClass(OncePerRequestFilter.class)
    static class ServletRateLimitConfiguration {

        @Bean
        @ConditionalOnMissingBean
        RateLimitFilter meshkeeperRateLimitFilter(ClusterRateLimits rateLimits) {
            return new RateLimitFilter(rateLimits);
        }

        @Bean
        @ConditionalOnClass({ HandlerInterceptor.class, WebMvcConfigurer.class })
        WebMvcConfigurer meshkeeperRateLimitedHandlers(ClusterRateLimits rateLimits) {
            RateLimitedHandlerInterceptor interceptor = new RateLimitedHandlerInterceptor(rateLimits);
            return new WebMvcConfigurer() {
                @Override
                public void addInterceptors(InterceptorRegistry registry) {
                    registry.addInterceptor(interceptor);
                }
            };
        }
    }
}
