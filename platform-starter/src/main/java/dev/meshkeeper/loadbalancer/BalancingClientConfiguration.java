package dev.meshkeeper.loadbalancer;

import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.cloud.client.ServiceInstance;
import org.springframework.cloud.loadbalancer.core.ReactorLoadBalancer;
import org.springframework.cloud.loadbalancer.core.ServiceInstanceListSupplier;
import org.springframework.cloud.loadbalancer.support.LoadBalancerClientFactory;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;

/**
 * The default configuration of every Spring Cloud LoadBalancer child context (one per called service): a
 * Meshkeeper balancer over whatever {@link ServiceInstanceListSupplier} the child context has; over the watched
 * supplier it also applies {@code spring.cloud.loadbalancer.configurations} ({@link LoadBalancerConfigurations}).
 * A balancer the user defines for a service ({@code @LoadBalancerClient(name = ..., configuration = ...)}) wins.
 */
@Configuration(proxyBeanMethods = false)
class BalancingClientConfiguration {

    @Bean
    @ConditionalOnMissingBean
    ReactorLoadBalancer<ServiceInstance> meshkeeperLoadBalancer(Environment environment,
            LoadBalancerClientFactory loadBalancerClientFactory, ServiceBalancers serviceBalancers,
            ConfigurableApplicationContext clientContext) {
        String serviceId = LoadBalancerClientFactory.getName(environment);
        return serviceBalancers.create(serviceId,
                loadBalancerClientFactory.getLazyProvider(serviceId, ServiceInstanceListSupplier.class),
                loadBalancerClientFactory, clientContext);
    }
}
