package dev.meshkeeper.load;

import static org.assertj.core.api.Assertions.assertThat;

import dev.meshkeeper.discovery.InFlightRequests;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ReactiveWebApplicationContextRunner;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

@Timeout(60)
class LoadAutoConfigurationTests {

    private final WebApplicationContextRunner servlet = new WebApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(LoadAutoConfiguration.class))
            .withUserConfiguration(InFlightConfiguration.class);

    private final ReactiveWebApplicationContextRunner reactive = new ReactiveWebApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(LoadAutoConfiguration.class))
            .withUserConfiguration(InFlightConfiguration.class);

    @Test
    void servletCapacityDefaultsToTomcatsMaximumWorkerThreads() {
        this.servlet.run((context) -> {
            assertThat(context.getBean(LoadMeter.class).capacity()).isEqualTo(200);
            assertThat(context).hasSingleBean(LoadHeaderFilter.class).doesNotHaveBean(LoadHeaderWebFilter.class);
        });
        this.servlet.withPropertyValues("server.tomcat.threads.max=50")
                .run((context) -> assertThat(context.getBean(LoadMeter.class).capacity()).isEqualTo(50));
        this.servlet.withPropertyValues("server.tomcat.threads.max=50", "meshkeeper.load.capacity=12")
                .run((context) -> assertThat(context.getBean(LoadMeter.class).capacity()).isEqualTo(12));
    }

    @Test
    void reactiveCapacityDefaultsTo256AndTheWebFilterAddsTheHeader() {
        this.reactive.run((context) -> {
            assertThat(context.getBean(LoadMeter.class).capacity()).isEqualTo(256);
            assertThat(context).hasSingleBean(LoadHeaderWebFilter.class).doesNotHaveBean(LoadHeaderFilter.class);
        });
    }

    @Test
    void switchesTurnThePartsOff() {
        this.servlet.withPropertyValues("meshkeeper.load.enabled=false")
                .run((context) -> assertThat(context).doesNotHaveBean(LoadMeter.class)
                        .doesNotHaveBean(LoadHeaderFilter.class));
        this.servlet.withPropertyValues("meshkeeper.load.header.enabled=false")
                .run((context) -> assertThat(context).hasSingleBean(LoadMeter.class)
                        .doesNotHaveBean(LoadHeaderFilter.class));
        this.servlet.withPropertyValues("meshkeeper.enabled=false")
                .run((context) -> assertThat(context).doesNotHaveBean(LoadMeter.class));
    }

    @Test
    void withoutAnInstanceRegistrationNothingIsWrittenToTheMetadata() {
        this.servlet.run((context) -> assertThat(context).doesNotHaveBean(LoadPublisher.class)
                .doesNotHaveBean(ScheduledLoadPublishing.class));
    }

    @Test
    void anUnusableCapacityStopsStartUpNamingTheProperty() {
        this.servlet.withPropertyValues("meshkeeper.load.capacity=0").run((context) -> {
            assertThat(context).hasFailed();
            assertThat(context.getStartupFailure()).rootCause().isInstanceOf(InvalidLoadPropertyException.class)
                    .hasMessageContaining("meshkeeper.load.capacity '0'");
        });
        this.servlet.withPropertyValues("meshkeeper.load.hysteresis=1.5").run((context) -> assertThat(context)
                .getFailure().rootCause().hasMessageContaining("meshkeeper.load.hysteresis"));
    }

    @Configuration(proxyBeanMethods = false)
    static class InFlightConfiguration {

        @Bean
        InFlightRequests inFlightRequests() {
            return new InFlightRequests();
        }
    }
}
