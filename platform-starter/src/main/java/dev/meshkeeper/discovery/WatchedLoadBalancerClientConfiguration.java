package dev.meshkeeper.discovery;

import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.cloud.loadbalancer.core.ServiceInstanceListSupplier;
import org.springframework.cloud.loadbalancer.support.LoadBalancerClientFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;

/**
 * The default configuration of every LoadBalancer client context: the instance list comes from
 * {@link WatchedInstances}, UP instances only, without Spring Cloud LoadBalancer's TTL cache. A client configured
 * with its own {@link ServiceInstanceListSupplier} ({@code @LoadBalancerClient(configuration = ...)}) keeps it.
 */
@Configuration(proxyBeanMethods = false)
public class WatchedLoadBalancerClientConfiguration {

    @Bean
    @ConditionalOnMissingBean
    @ConditionalOnBean(WatchedInstances.class)
    ServiceInstanceListSupplier watchedInstanceListSupplier(Environment environment, WatchedInstances instances) {
        return new WatchedInstanceListSupplier(environment.getProperty(LoadBalancerClientFactory.PROPERTY_NAME),
                instances);
    }
}
