package dev.meshkeeper.traffic;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.resilience4j.springboot3.circuitbreaker.autoconfigure.CircuitBreakerAutoConfiguration;
import io.github.resilience4j.springboot3.timelimiter.autoconfigure.TimeLimiterAutoConfiguration;
import java.net.URI;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.cloud.circuitbreaker.resilience4j.Resilience4JAutoConfiguration;
import org.springframework.cloud.circuitbreaker.resilience4j.Resilience4JCircuitBreakerFactory;
import org.springframework.cloud.client.circuitbreaker.CircuitBreakerFactory;
import org.springframework.cloud.client.loadbalancer.LoadBalanced;
import org.springframework.cloud.client.loadbalancer.LoadBalancedRetryContext;
import org.springframework.cloud.client.loadbalancer.LoadBalancedRetryFactory;
import org.springframework.cloud.client.loadbalancer.LoadBalancedRetryPolicy;
import org.springframework.cloud.loadbalancer.blocking.retry.BlockingLoadBalancedRetryFactory;
import org.springframework.cloud.loadbalancer.config.BlockingLoadBalancerClientAutoConfiguration;
import org.springframework.cloud.loadbalancer.config.LoadBalancerAutoConfiguration;
import org.springframework.context.ApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpMethod;
import org.springframework.mock.http.client.MockClientHttpRequest;
import org.springframework.web.reactive.function.client.WebClient;

@Timeout(60)
class ResilienceAutoConfigurationTests {

    private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(LoadBalancerAutoConfiguration.class,
                    BlockingLoadBalancerClientAutoConfiguration.class,
                    org.springframework.cloud.client.loadbalancer.LoadBalancerAutoConfiguration.class,
                    Resilience4JAutoConfiguration.class, ResilienceAutoConfiguration.class))
            .withConfiguration(AutoConfigurations.of(CircuitBreakerAutoConfiguration.class,
                    TimeLimiterAutoConfiguration.class));

    @Test
    void rateLimitsAndResilienceShareOnePropertiesBeanForTheirPrefix() {
        this.contextRunner.withConfiguration(AutoConfigurations.of(TrafficAutoConfiguration.class))
                .withPropertyValues("meshkeeper.traffic.rate-limits.quotes.rate=5",
                        "meshkeeper.traffic.retry.methods=GET")
                .run((context) -> {
                    assertThat(context).hasSingleBean(TrafficProperties.class)
                            .hasSingleBean(ResilienceProperties.class);
                    TrafficProperties traffic = context.getBean(TrafficProperties.class);
                    assertThat(context.getBean(ResilienceProperties.class)).isSameAs(traffic);
                    assertThat(traffic.getRateLimits().get("quotes").getRate()).isEqualTo(5.0);
                    assertThat(traffic.getRetry().getMethods()).containsExactly("GET");
                });
    }

    @Test
    void retriesIdempotentMethodsAndMarkedRequestsOnly() {
        this.contextRunner.run((context) -> {
            assertThat(context).getBean(LoadBalancedRetryFactory.class).isInstanceOf(IdempotentRetryFactory.class);
            LoadBalancedRetryPolicy policy = context.getBean(LoadBalancedRetryFactory.class)
                    .createRetryPolicy("inventory-service", null);
            assertThat(policy).isInstanceOf(IdempotentRetryPolicy.class);
            IdempotentRetryPolicy idempotent = (IdempotentRetryPolicy) policy;
            assertThat(idempotent.canRetry(retryContext(HttpMethod.GET, false))).isTrue();
            assertThat(idempotent.canRetry(retryContext(HttpMethod.HEAD, false))).isTrue();
            assertThat(idempotent.canRetry(retryContext(HttpMethod.OPTIONS, false))).isTrue();
            assertThat(idempotent.canRetry(retryContext(HttpMethod.POST, false))).isFalse();
            assertThat(idempotent.canRetry(retryContext(HttpMethod.PUT, false))).isFalse();
            assertThat(idempotent.canRetry(retryContext(HttpMethod.POST, true))).isTrue();
        });
    }

    @Test
    void retriedMethodsAreConfigurable() {
        this.contextRunner.withPropertyValues("meshkeeper.traffic.retry.methods=get,put").run((context) -> {
            IdempotentRetryPolicy policy = (IdempotentRetryPolicy) context.getBean(LoadBalancedRetryFactory.class)
                    .createRetryPolicy("inventory-service", null);
            assertThat(policy.canRetry(retryContext(HttpMethod.PUT, false))).isTrue();
            assertThat(policy.canRetry(retryContext(HttpMethod.HEAD, false))).isFalse();
        });
    }

    @Test
    void backsOffForTheApplicationsRetryFactory() {
        this.contextRunner.withUserConfiguration(UserRetryFactory.class).run((context) -> assertThat(context)
                .getBean(LoadBalancedRetryFactory.class).isSameAs(context.getBean("userRetryFactory")));
    }

    @Test
    void retryPartDisabledByPropertyLeavesSpringCloudsFactory() {
        this.contextRunner.withPropertyValues("meshkeeper.traffic.retry.enabled=false").run((context) -> assertThat(
                context.getBean(LoadBalancedRetryFactory.class).getClass())
                .isEqualTo(BlockingLoadBalancedRetryFactory.class));
    }

    @Test
    void circuitBreakerSettingsApplyPerCalledService() {
        this.contextRunner.withPropertyValues("meshkeeper.traffic.circuit-breaker.failure-rate-threshold=60",
                "meshkeeper.traffic.circuit-breaker.clients.pricing-service.sliding-window-size=7").run((context) -> {
                    assertThat(context).hasBean("meshkeeperCircuitBreakerCustomizer");
                    assertThat(context).hasSingleBean(LoadBalancedCircuitBreaking.class);
                    Resilience4JCircuitBreakerFactory factory = context
                            .getBean(Resilience4JCircuitBreakerFactory.class);
                    factory.create("pricing-service", CircuitBreakerSettings.GROUP).run(() -> "ok");
                    factory.create("inventory-service", CircuitBreakerSettings.GROUP).run(() -> "ok");
                    var pricing = factory.getCircuitBreakerRegistry().circuitBreaker("pricing-service")
                            .getCircuitBreakerConfig();
                    var inventory = factory.getCircuitBreakerRegistry().circuitBreaker("inventory-service")
                            .getCircuitBreakerConfig();
                    assertThat(pricing.getSlidingWindowSize()).isEqualTo(7);
                    assertThat(pricing.getFailureRateThreshold()).isEqualTo(60f);
                    assertThat(inventory.getSlidingWindowSize()).isEqualTo(20);
                    assertThat(inventory.getFailureRateThreshold()).isEqualTo(60f);
                });
    }

    @Test
    void webClientCallsGetTheBlockingClientsBreakerOfEachServiceWithItsSettings() {
        this.contextRunner.withPropertyValues("meshkeeper.traffic.circuit-breaker.failure-rate-threshold=60",
                "meshkeeper.traffic.circuit-breaker.clients.pricing-service.sliding-window-size=7").run((context) -> {
                    assertThat(context).hasSingleBean(LoadBalancedWebClientCircuitBreaking.class)
                            .hasSingleBean(CircuitBreakingFeignCapability.class);
                    Resilience4JCircuitBreakerFactory factory = context
                            .getBean(Resilience4JCircuitBreakerFactory.class);
                    ServiceCircuitBreakers reactive = new ServiceCircuitBreakers(breakerFactories(context));
                    // created first by the exchange filter's side: the settings the blocking side would give
                    var pricing = reactive.forService("pricing-service");
                    var inventory = reactive.forService("inventory-service");
                    assertThat(pricing.getCircuitBreakerConfig().getSlidingWindowSize()).isEqualTo(7);
                    assertThat(pricing.getCircuitBreakerConfig().getFailureRateThreshold()).isEqualTo(60f);
                    assertThat(inventory.getCircuitBreakerConfig().getSlidingWindowSize()).isEqualTo(20);
                    assertThat(inventory.getCircuitBreakerConfig().getFailureRateThreshold()).isEqualTo(60f);
                    assertThat(pricing.getTags()).containsEntry("group", CircuitBreakerSettings.GROUP);
                    // and the blocking side runs its calls through the very same breaker
                    factory.create("pricing-service", CircuitBreakerSettings.GROUP).run(() -> "ok");
                    assertThat(pricing.getMetrics().getNumberOfSuccessfulCalls()).isEqualTo(1);
                    assertThat(factory.getCircuitBreakerRegistry().circuitBreaker("pricing-service"))
                            .isSameAs(pricing);
                });
    }

    @Test
    void aReactiveApplicationWithoutTheServletApiGetsWebClientCircuitBreaking() {
        this.contextRunner
                .withClassLoader(new FilteredClassLoader("jakarta.servlet", "org.springframework.web.servlet"))
                .withUserConfiguration(LoadBalancedWebClientBuilder.class).run((context) -> {
                    assertThat(context).hasNotFailed().hasSingleBean(LoadBalancedWebClientCircuitBreaking.class);
                    context.getBean(WebClient.Builder.class).filters((filters) -> assertThat(filters)
                            .first().isInstanceOf(CircuitBreakingExchangeFilter.class));
                });
    }

    @Test
    void invalidCircuitBreakerValueFailsStartUpNamingTheKey() {
        this.contextRunner.withPropertyValues(
                "meshkeeper.traffic.circuit-breaker.clients.pricing-service.failure-rate-threshold=150")
                .run((context) -> {
                    assertThat(context).hasFailed();
                    assertThat(context.getStartupFailure()).rootCause().hasMessageContaining(
                            "meshkeeper.traffic.circuit-breaker.clients.pricing-service.failure-rate-threshold '150.0'"
                                    + " is invalid");
                });
    }

    @Test
    void circuitBreakerPartDisabledByProperty() {
        this.contextRunner.withPropertyValues("meshkeeper.traffic.circuit-breaker.enabled=false")
                .run((context) -> {
                    assertThat(context).doesNotHaveBean("meshkeeperCircuitBreakerCustomizer");
                    assertThat(context).doesNotHaveBean(LoadBalancedCircuitBreaking.class)
                            .doesNotHaveBean(LoadBalancedWebClientCircuitBreaking.class)
                            .doesNotHaveBean(CircuitBreakingFeignCapability.class);
                });
    }

    @Test
    void wholeFeatureDisabledWithMeshkeeper() {
        this.contextRunner.withPropertyValues("meshkeeper.enabled=false").run((context) -> {
            assertThat(context).doesNotHaveBean(ResilienceProperties.class);
            assertThat(context).doesNotHaveBean(IdempotentRetryFactory.class);
        });
    }

    @SuppressWarnings({ "unchecked", "rawtypes" })
    private static ObjectProvider<CircuitBreakerFactory<?, ?>> breakerFactories(ApplicationContext context) {
        return (ObjectProvider) context.getBeanProvider(CircuitBreakerFactory.class);
    }

    private static LoadBalancedRetryContext retryContext(HttpMethod method, boolean marked) {
        MockClientHttpRequest request = new MockClientHttpRequest(method, URI.create("http://inventory-service/x"));
        if (marked) {
            request.getAttributes().put(RetryableRequests.ATTRIBUTE, true);
        }
        return new LoadBalancedRetryContext(null, request);
    }

    @Configuration(proxyBeanMethods = false)
    static class LoadBalancedWebClientBuilder {

        @Bean
        @LoadBalanced
        WebClient.Builder loadBalancedWebClientBuilder() {
            return WebClient.builder();
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class UserRetryFactory {

        @Bean
        LoadBalancedRetryFactory userRetryFactory() {
            return new LoadBalancedRetryFactory() {
            };
        }
    }

}
