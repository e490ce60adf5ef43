package dev.meshkeeper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

import dev.meshkeeper.discovery.MeshkeeperDiscoveryProperties;
import dev.meshkeeper.load.LoadProperties;
import dev.meshkeeper.lock.LockProperties;
import dev.meshkeeper.loadbalancer.LoadBalancingProperties;
import dev.meshkeeper.traffic.TrafficProperties;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.context.properties.bind.BindException;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.annotation.Configuration;

/**
 * An invalid Meshkeeper property stops a real application at start-up, and the failure report comes from the one
 * {@link MeshkeeperPropertyFailureAnalyzer}: it names the property, the value and what to write instead, ahead of
 * Spring Boot's generic report of the binding failure.
 */
@Timeout(60)
@ExtendWith(OutputCaptureExtension.class)
class MeshkeeperPropertyValidationTests {

    @Test
    void anInvalidLoadPropertyStopsStartUpWithTheOneAnalysis(CapturedOutput output) {
        assertStartUpFails(output, LoadApplication.class, "--meshkeeper.load.hysteresis=1.5",
                "meshkeeper.load.hysteresis '1.5' is out of range; it must be at least 0 and below 1.",
                "Set meshkeeper.load.hysteresis to a value such as 0.05");
    }

    @Test
    void anInvalidBalancingPropertyStopsStartUpWithTheOneAnalysis(CapturedOutput output) {
        assertStartUpFails(output, BalancingApplication.class,
                "--meshkeeper.loadbalancer.clients.inventory-service.strategy=fastest",
                "meshkeeper.loadbalancer.clients.inventory-service.strategy 'fastest' is unknown; use one of "
                        + "round-robin, weighted, least-loaded.",
                "Set meshkeeper.loadbalancer.clients.inventory-service.strategy to one of");
    }

    @Test
    void anInvalidRateLimitStopsStartUpWithTheOneAnalysis(CapturedOutput output) {
        assertStartUpFails(output, TrafficApplication.class, "--meshkeeper.traffic.rate-limits.quotes.rate=-1",
                "meshkeeper.traffic.rate-limits.quotes.rate '-1.0' is not a rate.",
                "Set meshkeeper.traffic.rate-limits.quotes.rate to a number of requests per second >= 0 for the "
                        + "whole service, or leave it unset for no limit");
    }

    @Test
    void anInvalidCircuitBreakerSettingStopsStartUpWithTheOneAnalysis(CapturedOutput output) {
        assertStartUpFails(output, TrafficApplication.class,
                "--meshkeeper.traffic.circuit-breaker.clients.pricing-service.sliding-window-size=0",
                "meshkeeper.traffic.circuit-breaker.clients.pricing-service.sliding-window-size '0' is invalid; "
                        + "use at least 1.",
                "Set meshkeeper.traffic.circuit-breaker.clients.pricing-service.sliding-window-size to at least 1");
    }

    @Test
    void anInvalidLockRootStopsStartUpWithTheOneAnalysis(CapturedOutput output) {
        assertStartUpFails(output, LockApplication.class, "--meshkeeper.lock.root=locks",
                "meshkeeper.lock.root 'locks' is not a znode path",
                "Set meshkeeper.lock.root to an absolute path such as /meshkeeper/locks");
    }

    @Test
    void aNegativeDiscoveryDurationStopsStartUpWithTheOneAnalysis(CapturedOutput output) {
        assertStartUpFails(output, DiscoveryApplication.class, "--meshkeeper.discovery.removal-grace=-1s",
                "meshkeeper.discovery.removal-grace 'PT-1S' is not zero or a positive duration.",
                "Set meshkeeper.discovery.removal-grace to a duration such as 10s");
    }

    static void assertStartUpFails(CapturedOutput output, Class<?> application, String property,
            String description, String action) {
        assertThatExceptionOfType(RuntimeException.class)
                .isThrownBy(() -> new SpringApplicationBuilder(application).web(WebApplicationType.NONE)
                        .run("--spring.main.banner-mode=off", "--spring.cloud.zookeeper.config.enabled=false", property)
                        .close())
                .satisfies((failure) -> {
                    assertThat(failure).hasRootCauseInstanceOf(InvalidMeshkeeperPropertyException.class);
                    assertThat(causes(failure)).as("refused while binding, not later")
                            .anyMatch(BindException.class::isInstance);
                });
        String report = output.getOut().substring(output.getOut().lastIndexOf("APPLICATION FAILED TO START"));
        assertThat(report).contains("Description:\n\n" + description)
                .contains("Action:\n\n" + action)
                .contains("(in application.properties, an environment variable or a --"
                        + property.substring(2, property.indexOf('=')) + "=... argument)");
    }

    private static List<Throwable> causes(Throwable failure) {
        List<Throwable> causes = new ArrayList<>();
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            causes.add(cause);
        }
        return causes;
    }

    @Configuration(proxyBeanMethods = false)
    @EnableConfigurationProperties(LoadProperties.class)
    static class LoadApplication {

    }

    @Configuration(proxyBeanMethods = false)
    @EnableConfigurationProperties(LoadBalancingProperties.class)
    static class BalancingApplication {

    }

    @Configuration(proxyBeanMethods = false)
    @EnableConfigurationProperties(TrafficProperties.class)
    static class TrafficApplication {

    }

    @Configuration(proxyBeanMethods = false)
    @EnableConfigurationProperties(LockProperties.class)
    static class LockApplication {

    }

    @Configuration(proxyBeanMethods = false)
    @EnableConfigurationProperties(MeshkeeperDiscoveryProperties.class)
    static class DiscoveryApplication {

    }
}
