package dev.meshkeeper.traffic;

import static org.assertj.core.api.Assertions.assertThat;

import dev.meshkeeper.MeshkeeperPropertyFailureAnalyzer;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.boot.test.util.TestPropertyValues;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.mock.web.MockFilterChain;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;

@Timeout(60)
class TrafficAutoConfigurationTests {

    private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(TrafficAutoConfiguration.class))
            .withUserConfiguration(MetricsConfiguration.class);

    @Test
    void instanceAloneAdmitsTheWholeRateAndCountsItsDecisions() {
        this.contextRunner.withPropertyValues("meshkeeper.traffic.rate-limits.quotes.rate=2",
                "meshkeeper.traffic.rate-limits.quotes.burst=2").run((context) -> {
                    ClusterRateLimits limits = context.getBean(ClusterRateLimits.class);
                    assertThat(context).hasBean("trafficEndpointContributor");
                    assertThat(limits.localRate("quotes")).isEqualTo(2.0);
                    assertThat(limits.tryAcquire("quotes").admitted()).isTrue();
                    assertThat(limits.tryAcquire("quotes").admitted()).isTrue();
                    ClusterRateLimits.Admission third = limits.tryAcquire("quotes");
                    assertThat(third.admitted()).isFalse();
                    assertThat(third.retryAfter()).isPositive();
                    MeterRegistry meters = context.getBean(MeterRegistry.class);
                    assertThat(meters.get("meshkeeper.traffic.requests").tag("limit", "quotes")
                            .tag("outcome", "admitted").counter().count()).isEqualTo(2.0);
                    assertThat(meters.get("meshkeeper.traffic.requests").tag("limit", "quotes")
                            .tag("outcome", "rejected").counter().count()).isEqualTo(1.0);
                    assertThat(meters.get("meshkeeper.traffic.local-share").tag("limit", "quotes").gauge().value())
                            .isEqualTo(2.0);
                });
    }

    @Test
    void servletApplicationsGetTheFilterThatAnswers429WithProblemDetails() {
        new WebApplicationContextRunner().withConfiguration(AutoConfigurations.of(TrafficAutoConfiguration.class))
                .withPropertyValues("meshkeeper.traffic.rate-limits.orders.path=/orders/**",
                        "meshkeeper.traffic.rate-limits.orders.methods=POST",
                        "meshkeeper.traffic.rate-limits.orders.rate=0")
                .run((context) -> {
                    RateLimitFilter filter = context.getBean(RateLimitFilter.class);
                    MockHttpServletResponse get = call(filter, "GET", "/orders/7");
                    assertThat(get.getStatus()).isEqualTo(200);
                    MockHttpServletResponse post = call(filter, "POST", "/orders/7");
                    assertThat(post.getStatus()).isEqualTo(429);
                    assertThat(post.getContentType()).startsWith("application/problem+json");
                    assertThat(post.getHeader("Retry-After")).isEqualTo("1");
                    assertThat(post.getContentAsString()).contains("\"limit\":\"orders\"")
                            .contains("\"instance\":\"/orders/7\"");
                    assertThat(call(filter, "POST", "/other").getStatus()).isEqualTo(200);
                });
    }

    @Test
    void backsOffForTheApplicationsOwnLimits() {
        this.contextRunner.withUserConfiguration(UserLimitsConfiguration.class).run((context) -> {
            assertThat(context).hasSingleBean(ClusterRateLimits.class);
            assertThat(context).hasBean("myLimits");
        });
    }

    @Test
    void disabledByItsPropertyOrTheGlobalSwitch() {
        this.contextRunner.withPropertyValues("meshkeeper.traffic.enabled=false")
                .run((context) -> assertThat(context).doesNotHaveBean(ClusterRateLimits.class));
        this.contextRunner.withPropertyValues("meshkeeper.enabled=false")
                .run((context) -> assertThat(context).doesNotHaveBean(ClusterRateLimits.class));
    }

    @Test
    void invalidRateFailsStartUpNamingTheProperty() {
        this.contextRunner.withPropertyValues("meshkeeper.traffic.rate-limits.quotes.rate=-1").run((context) -> {
            assertThat(context).hasFailed();
            FailureAnalysis analysis = new MeshkeeperPropertyFailureAnalyzer().analyze(context.getStartupFailure());
            assertThat(analysis.getDescription()).contains("meshkeeper.traffic.rate-limits.quotes.rate '-1.0'");
            assertThat(analysis.getAction()).contains("requests per second");
        });
    }

    @Test
    void liveChangeRebuildsTheLimitAndAnInvalidValueKeepsTheLastGoodOne() {
        this.contextRunner.withPropertyValues("meshkeeper.traffic.rate-limits.quotes.rate-property=quotes.limit")
                .run((context) -> {
                    ClusterRateLimits limits = context.getBean(ClusterRateLimits.class);
                    assertThat(limits.localRate("quotes")).isEqualTo(Double.POSITIVE_INFINITY);
                    TestPropertyValues.of("quotes.limit=40").applyTo(context);
                    limits.environmentChanged(Set.of("quotes.limit"));
                    assertThat(limits.localRate("quotes")).isEqualTo(40.0);
                    TestPropertyValues.of("quotes.limit=lots").applyTo(context);
                    limits.environmentChanged(Set.of("quotes.limit"));
                    assertThat(limits.localRate("quotes")).isEqualTo(40.0);
                    TestPropertyValues.of("quotes.limit=").applyTo(context);
                    limits.environmentChanged(Set.of("quotes.limit"));
                    assertThat(limits.localRate("quotes")).isEqualTo(Double.POSITIVE_INFINITY);
                });
    }

    private static MockHttpServletResponse call(RateLimitFilter filter, String method, String path) throws Exception {
        MockHttpServletResponse response = new MockHttpServletResponse();
        filter.doFilter(new MockHttpServletRequest(method, path), response, new MockFilterChain());
        return response;
    }

    @Configuration(proxyBeanMethods = false)
    static class MetricsConfiguration {

        @Bean
        MeterRegistry meterRegistry() {
            return new SimpleMeterRegistry();
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class UserLimitsConfiguration {

        @Bean
        ClusterRateLimits myLimits(Environment environment) {
            return new ClusterRateLimits(new TrafficProperties(), environment, "app", () -> null, null,
                    new SimpleMeterRegistry());
        }
    }
}
