package dev.meshkeeper.traffic;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.springframework.boot.SpringApplication;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.test.context.support.TestPropertySourceUtils;

@Timeout(30)
class ResilienceEnvironmentDefaultsTests {

    @Test
    void retriesGoToAnotherInstanceOnIoErrorsAnd503() {
        StandardEnvironment environment = environment();
        assertThat(environment.getProperty("spring.cloud.loadbalancer.retry.max-retries-on-same-service-instance"))
                .isEqualTo("0");
        assertThat(environment.getProperty("spring.cloud.loadbalancer.retry.max-retries-on-next-service-instance"))
                .isEqualTo("2");
        assertThat(environment.getProperty("spring.cloud.loadbalancer.retry.retryable-status-codes")).isEqualTo("503");
        assertThat(environment.getProperty("spring.cloud.loadbalancer.retry.retry-on-all-exceptions")).isNull();
        assertThat(environment.getProperty("spring.cloud.circuitbreaker.resilience4j.disable-time-limiter"))
                .isEqualTo("true");
    }

    @Test
    void explicitSettingsWin() {
        StandardEnvironment environment = environment(
                "spring.cloud.loadbalancer.retry.max-retries-on-next-service-instance=5");
        assertThat(environment.getProperty("spring.cloud.loadbalancer.retry.max-retries-on-next-service-instance"))
                .isEqualTo("5");
    }

    @Test
    void nothingIsSetWhenRetriesOrMeshkeeperAreOff() {
        assertThat(environment("meshkeeper.traffic.retry.enabled=false")
                .getProperty("spring.cloud.loadbalancer.retry.retryable-status-codes")).isNull();
        assertThat(environment("meshkeeper.enabled=false")
                .getProperty("spring.cloud.loadbalancer.retry.retryable-status-codes")).isNull();
    }

    @Test
    void switchingMeshkeeperRetriesOffSwitchesSpringCloudLoadBalancerRetriesOff() {
        assertThat(environment("meshkeeper.traffic.retry.enabled=false")
                .getProperty("spring.cloud.loadbalancer.retry.enabled")).isEqualTo("false");
        // On by default: Spring Cloud LoadBalancer retries reactive (WebClient) calls only when it is set.
        assertThat(environment().getProperty("spring.cloud.loadbalancer.retry.enabled")).isEqualTo("true");
        assertThat(environment("spring.cloud.loadbalancer.retry.enabled=false")
                .getProperty("spring.cloud.loadbalancer.retry.enabled")).isEqualTo("false");
        assertThat(environment("meshkeeper.traffic.retry.enabled=false", "spring.cloud.loadbalancer.retry.enabled=true")
                .getProperty("spring.cloud.loadbalancer.retry.enabled")).isEqualTo("true");
    }

    private static StandardEnvironment environment(String... properties) {
        StandardEnvironment environment = new StandardEnvironment();
        TestPropertySourceUtils.addInlinedPropertiesToEnvironment(environment, properties);
        new ResilienceEnvironmentDefaults().postProcessEnvironment(environment, new SpringApplication());
        return environment;
    }
}
