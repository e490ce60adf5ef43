package dev.meshkeeper.traffic;

import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.cloud.client.loadbalancer.LoadBalanced;
import org.springframework.context.ApplicationContext;
import org.springframework.core.Ordered;
import org.springframework.web.reactive.function.client.WebClient;

/**
 * Puts {@link CircuitBreakingExchangeFilter} first in every {@code @LoadBalanced WebClient.Builder} bean, in front
 * of Spring Cloud's load-balancer filter (and its retries). Builders without {@code @LoadBalanced} are left alone.
 */
class LoadBalancedWebClientCircuitBreaking implements BeanPostProcessor, Ordered {

    private final ApplicationContext context;

    private final CircuitBreakingExchangeFilter filter;

    LoadBalancedWebClientCircuitBreaking(ApplicationContext context, CircuitBreakingExchangeFilter filter) {
        this.context = context;
        this.filter = filter;
    }

    /** Ordered like {@link LoadBalancedCircuitBreaking}: filters the unordered post-processors put first stay ahead. */
    @Override
    public int getOrder() {
        return Ordered.LOWEST_PRECEDENCE;
    }

    @Override
    public Object postProcessBeforeInitialization(Object bean, String beanName) {
        if (bean instanceof WebClient.Builder builder && this.context.containsBeanDefinition(beanName)
                && this.context.findAnnotationOnBean(beanName, LoadBalanced.class) != null) {
            builder.filters((filters) -> {
                if (!filters.contains(this.filter)) {
                    filters.add(0, this.filter);
                }
            });
        }
        return bean;
    }
}
