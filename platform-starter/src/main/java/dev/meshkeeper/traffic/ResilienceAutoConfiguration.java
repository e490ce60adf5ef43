package dev.meshkeeper.traffic;

import dev.meshkeeper.ConditionalOnMeshkeeperEnabled;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.cloud.circuitbreaker.resilience4j.Resilience4JCircuitBreakerFactory;
import org.springframework.cloud.client.ServiceInstance;
import org.springframework.cloud.client.circuitbreaker.CircuitBreakerFactory;
import org.springframework.cloud.client.circuitbreaker.Customizer;
import org.springframework.cloud.client.loadbalancer.LoadBalancedRetryFactory;
import org.springframework.cloud.client.loadbalancer.reactive.ReactiveLoadBalancer;
import org.springframework.cloud.loadbalancer.config.BlockingLoadBalancerClientAutoConfiguration;
import org.springframework.cloud.loadbalancer.support.LoadBalancerClientFactory;
import org.springframework.context.ApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.retry.support.RetryTemplate;
import org.springframework.web.client.RestClient;

/**
 * Resilient {@code @LoadBalanced} calls, built from Spring Cloud's own parts:
 * <ul>
 * <li>retries by Spring Cloud LoadBalancer's {@code RetryLoadBalancerInterceptor} (Spring Retry), for idempotent
 * methods and requests marked with {@link RetryableRequests#ATTRIBUTE}, on another instance, within the budget of
 * {@code spring.cloud.loadbalancer.retry.*} (defaults set by Meshkeeper: two further instances, on I/O errors and
 * 503);</li>
 * <li>a Spring Cloud CircuitBreaker (Resilience4j) per called service in front of the balancer and its retries, for
 * {@code @LoadBalanced} {@code RestClient}, {@code RestTemplate} and {@code WebClient} calls and OpenFeign calls by
 * service name alike (one breaker per service, whichever client calls it).</li>
 * </ul>
 * Each attempt, retried or not, ends in the balancer's lifecycle callbacks, which already report failures to the
 * outlier ejection: an instance that keeps failing is ejected and retries stop reaching it.
 * Nothing here reads ZooKeeper: a lost connection changes nothing but the instance list the balancer sees.
 */
@AutoConfiguration(before = { BlockingLoadBalancerClientAutoConfiguration.class,
        org.springframework.cloud.client.loadbalancer.LoadBalancerAutoConfiguration.class },
        after = org.springframework.cloud.loadbalancer.config.LoadBalancerAutoConfiguration.class,
        afterName = "org.springframework.cloud.circuitbreaker.resilience4j.Resilience4JAutoConfiguration")
@ConditionalOnMeshkeeperEnabled
@ConditionalOnBooleanProperty(name = "meshkeeper.traffic.enabled", matchIfMissing = true)
@ConditionalOnClass(RestClient.class)
@EnableConfigurationProperties(TrafficProperties.class)
public class ResilienceAutoConfiguration {

    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass({ RetryTemplate.class, LoadBalancerClientFactory.class })
    @ConditionalOnBooleanProperty(name = "meshkeeper.traffic.retry.enabled", matchIfMissing = true)
    @ConditionalOnBooleanProperty(name = "spring.cloud.loadbalancer.retry.enabled", matchIfMissing = true)
    static class RetryConfiguration {

        @Bean
        @ConditionalOnMissingBean
        @ConditionalOnBean(LoadBalancerClientFactory.class)
        LoadBalancedRetryFactory loadBalancedRetryFactory(ReactiveLoadBalancer.Factory<ServiceInstance> factory,
                ResilienceProperties properties) {
            return new IdempotentRetryFactory(factory, properties.getRetry());
        }
    }

    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(Resilience4JCircuitBreakerFactory.class)
    @ConditionalOnBooleanProperty(name = "meshkeeper.traffic.circuit-breaker.enabled", matchIfMissing = true)
    static class CircuitBreakerConfiguration {

        @Bean
        @ConditionalOnMissingBean(name = "meshkeeperCircuitBreakerCustomizer")
        Customizer<Resilience4JCircuitBreakerFactory> meshkeeperCircuitBreakerCustomizer(
                ResilienceProperties properties) {
            return new CircuitBreakerSettings(properties.getCircuitBreaker());
        }

        @Bean
        static LoadBalancedCircuitBreaking meshkeeperLoadBalancedCircuitBreaking(ApplicationContext context,
                ObjectProvider<CircuitBreakerFactory<?, ?>> factory) {
            return new LoadBalancedCircuitBreaking(context, new CircuitBreakingInterceptor(factory));
        }

        /** The same breakers for {@code @LoadBalanced WebClient.Builder} beans, as an exchange filter. */
        @Configuration(proxyBeanMethods = false)
        @ConditionalOnClass(name = "org.springframework.web.reactive.function.client.WebClient")
        static class WebClientCircuitBreakerConfiguration {

            @Bean
            static LoadBalancedWebClientCircuitBreaking meshkeeperLoadBalancedWebClientCircuitBreaking(
                    ApplicationContext context, ObjectProvider<CircuitBreakerFactory<?, ?>> factory) {
                return new LoadBalancedWebClientCircuitBreaking(context,
                        new CircuitBreakingExchangeFilter(new ServiceCircuitBreakers(factory)));
            }
        }

        /** The same breakers for OpenFeign clients addressed by service name, as a Feign capability. */
        @Configuration(proxyBeanMethods = false)
        @ConditionalOnClass(name = { "feign.Capability",
                "org.springframework.cloud.openfeign.loadbalancer.FeignBlockingLoadBalancerClient" })
        static class FeignCircuitBreakerConfiguration {

            @Bean
            @ConditionalOnMissingBean(name = "meshkeeperFeignCircuitBreaking")
            CircuitBreakingFeignCapability meshkeeperFeignCircuitBreaking(
                    ObjectProvider<CircuitBreakerFactory<?, ?>> factory) {
                return new CircuitBreakingFeignCapability(factory);
            }
        }
    }
}
