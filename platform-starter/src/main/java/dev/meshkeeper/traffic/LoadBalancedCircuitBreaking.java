package dev.meshkeeper.traffic;

import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.cloud.client.loadbalancer.LoadBalanced;
import org.springframework.context.ApplicationContext;
import org.springframework.core.Ordered;
import org.springframework.web.client.RestClient;
import org.springframework.web.client.RestTemplate;

/**
 * Puts {@link CircuitBreakingInterceptor} first in every {@code @LoadBalanced RestClient.Builder} and
 * {@code @LoadBalanced RestTemplate} bean, in front of Spring Cloud's load-balancer interceptor (and its retries).
 * Clients without {@code @LoadBalanced} are left alone.
 */
class LoadBalancedCircuitBreaking implements BeanPostProcessor, Ordered {

    private final ApplicationContext context;

    private final CircuitBreakingInterceptor interceptor;

    LoadBalancedCircuitBreaking(ApplicationContext context, CircuitBreakingInterceptor interceptor) {
        this.context = context;
        this.interceptor = interceptor;
    }

    /**
     * Ordered, so that it runs before the post-processors without an order: interceptors those put first (the
     * pinned version's) end up in front of the breaker and see the caller's thread, whatever thread the breaker
     * runs the call on.
     */
    @Override
    public int getOrder() {
        return Ordered.LOWEST_PRECEDENCE;
    }

    @Override
    public Object postProcessBeforeInitialization(Object bean, String beanName) {
        if (bean instanceof RestClient.Builder builder && isLoadBalanced(beanName)) {
            builder.requestInterceptors((interceptors) -> {
                if (!interceptors.contains(this.interceptor)) {
                    interceptors.add(0, this.interceptor);
                }
            });
        }
        else if (bean instanceof RestTemplate template && isLoadBalanced(beanName)
                && !template.getInterceptors().contains(this.interceptor)) {
            template.getInterceptors().add(0, this.interceptor);
        }
        return bean;
    }

    private boolean isLoadBalanced(String beanName) {
        return this.context.containsBeanDefinition(beanName)
                && this.context.findAnnotationOnBean(beanName, LoadBalanced.class) != null;
    }
}
