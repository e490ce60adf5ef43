package dev.meshkeeper.traffic;

import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;
import org.springframework.cloud.client.ServiceInstance;
import org.springframework.cloud.client.loadbalancer.LoadBalancedRetryPolicy;
import org.springframework.cloud.client.loadbalancer.ServiceInstanceChooser;
import org.springframework.cloud.client.loadbalancer.reactive.ReactiveLoadBalancer;
import org.springframework.cloud.loadbalancer.blocking.retry.BlockingLoadBalancedRetryFactory;

/**
 * The retry factory Spring Cloud LoadBalancer's {@code RetryLoadBalancerInterceptor} uses: its own back-off and
 * listeners, with {@link IdempotentRetryPolicy} per called service.
 */
class IdempotentRetryFactory extends BlockingLoadBalancedRetryFactory {

    private final ReactiveLoadBalancer.Factory<ServiceInstance> loadBalancerFactory;

    private final Set<String> methods;

    IdempotentRetryFactory(ReactiveLoadBalancer.Factory<ServiceInstance> loadBalancerFactory,
            ResilienceProperties.Retry retry) {
        super(loadBalancerFactory);
        this.loadBalancerFactory = loadBalancerFactory;
        this.methods = retry.getMethods().stream().map((method) -> method.trim().toUpperCase(Locale.ROOT))
                .collect(Collectors.toUnmodifiableSet());
    }

    @Override
    public LoadBalancedRetryPolicy createRetryPolicy(String service, ServiceInstanceChooser serviceInstanceChooser) {
        return new IdempotentRetryPolicy(this.loadBalancerFactory.getProperties(service), this.methods);
    }
}
