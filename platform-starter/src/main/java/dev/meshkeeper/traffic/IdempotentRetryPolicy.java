package dev.meshkeeper.traffic;

import java.util.Set;
import org.springframework.cloud.client.loadbalancer.LoadBalancedRetryContext;
import org.springframework.cloud.client.loadbalancer.LoadBalancerProperties;
import org.springframework.cloud.loadbalancer.blocking.retry.BlockingLoadBalancedRetryPolicy;
import org.springframework.http.HttpRequest;

/**
 * Spring Cloud LoadBalancer's blocking retry policy (budget, retryable exceptions and status codes from
 * {@code spring.cloud.loadbalancer.retry.*}), widened from GET only to the configured idempotent methods and to
 * requests marked with {@link RetryableRequests#ATTRIBUTE}.
 */
class IdempotentRetryPolicy extends BlockingLoadBalancedRetryPolicy {

    private final LoadBalancerProperties properties;

    private final Set<String> methods;

    IdempotentRetryPolicy(LoadBalancerProperties properties, Set<String> methods) {
        super(properties);
        this.properties = properties;
        this.methods = methods;
    }

    @Override
    public boolean canRetry(LoadBalancedRetryContext context) {
        HttpRequest request = context.getRequest();
        if (request == null) {
            return false;
        }
        return this.properties.getRetry().isRetryOnAllOperations()
                || this.methods.contains(request.getMethod().name())
                || Boolean.TRUE.equals(request.getAttributes().get(RetryableRequests.ATTRIBUTE));
    }
}
