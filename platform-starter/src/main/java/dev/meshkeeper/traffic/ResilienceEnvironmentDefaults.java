package dev.meshkeeper.traffic;

import java.util.HashMap;
import java.util.Map;
import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.context.config.ConfigDataEnvironmentPostProcessor;
import org.springframework.core.Ordered;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;

/**
 * Sane defaults for Spring Cloud LoadBalancer's retries and Spring Cloud CircuitBreaker's Resilience4j binding,
 * added with the lowest precedence so any explicit setting wins:
 * <ul>
 * <li>{@code spring.cloud.loadbalancer.retry.max-retries-on-same-service-instance=0} and
 * {@code max-retries-on-next-service-instance=2}: a failed attempt moves on to another instance, at most three
 * attempts in all;</li>
 * <li>{@code spring.cloud.loadbalancer.retry.enabled=true}: Spring Cloud LoadBalancer retries {@code @LoadBalanced
 * WebClient} calls only when this is set explicitly (its blocking retries only need Spring Retry on the class
 * path), so reactive calls are retried on another instance like blocking ones;</li>
 * <li>with {@code meshkeeper.traffic.retry.enabled=false}: {@code spring.cloud.loadbalancer.retry.enabled=false},
 * so no load-balanced call is retried;</li>
 * <li>{@code spring.cloud.loadbalancer.retry.retryable-status-codes=503}: an instance that is shutting down or
 * overloaded is skipped; other statuses are the answer;</li>
 * <li>{@code spring.cloud.loadbalancer.retry.avoid-previous-instance=false}: with it on, Spring Cloud replaces
 * Meshkeeper's watched instance supplier by its own retry-aware discovery supplier; Meshkeeper's balancer leaves out
 * the previous attempt's instance itself, and outlier ejection removes a failing one;
 * {@code retry-on-all-exceptions} stays false: only I/O failures (connection refused or reset, timeouts) are
 * retried;</li>
 * <li>{@code spring.cloud.circuitbreaker.resilience4j.disable-time-limiter=true} and
 * {@code disable-thread-pool=true}: the breaker runs on the calling thread; time-outs belong to the HTTP client.</li>
 * </ul>
 */
class ResilienceEnvironmentDefaults implements EnvironmentPostProcessor, Ordered {

    static final String SOURCE_NAME = "meshkeeperResilienceDefaults";

    @Override
    public int getOrder() {
        return ConfigDataEnvironmentPostProcessor.ORDER + 10;
    }

    @Override
    public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
        if (!environment.getProperty("meshkeeper.enabled", Boolean.class, true)
                || !environment.getProperty("meshkeeper.traffic.enabled", Boolean.class, true)) {
            return;
        }
        Map<String, Object> defaults = new HashMap<>();
        if (environment.getProperty("meshkeeper.traffic.retry.enabled", Boolean.class, true)) {
            defaults.put("spring.cloud.loadbalancer.retry.enabled", "true");
            defaults.put("spring.cloud.loadbalancer.retry.max-retries-on-same-service-instance", "0");
            defaults.put("spring.cloud.loadbalancer.retry.max-retries-on-next-service-instance", "2");
            defaults.put("spring.cloud.loadbalancer.retry.retryable-status-codes", "503");
        }
        else {
            // Spring Cloud's retry interceptor wraps every @LoadBalanced client while Spring Retry is on the class
            // path; switching Meshkeeper's retries off must switch it off too (an explicit setting still wins).
            defaults.put("spring.cloud.loadbalancer.retry.enabled", "false");
        }
        defaults.put("spring.cloud.loadbalancer.retry.avoid-previous-instance", "false");
        if (environment.getProperty("meshkeeper.traffic.circuit-breaker.enabled", Boolean.class, true)) {
            defaults.put("spring.cloud.circuitbreaker.resilience4j.disable-time-limiter", "true");
            defaults.put("spring.cloud.circuitbreaker.resilience4j.disable-thread-pool", "true");
        }
        environment.getPropertySources().addLast(new MapPropertySource(SOURCE_NAME, defaults));
    }
}
