package dev.meshkeeper.security;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.cloud.client.loadbalancer.LoadBalanced;
import org.springframework.cloud.client.loadbalancer.LoadBalancerRequestTransformer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.test.context.support.TestPropertySourceUtils;
import org.springframework.web.client.RestClient;

@Timeout(60)
@ExtendWith(OutputCaptureExtension.class)
class MutualTlsAutoConfigurationTests {

    private static final FilteredClassLoader WITHOUT_SPRING_SECURITY = new FilteredClassLoader(
            "org.springframework.security.config", "org.springframework.security.web");

    private final WebApplicationContextRunner contextRunner = new WebApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(MutualTlsAutoConfiguration.class));

    @Test
    void offWhileNoBundleIsNamed() {
        this.contextRunner.run((context) -> {
            assertThat(context).doesNotHaveBean(MutualTlsProperties.class);
            assertThat(context).doesNotHaveBean(CallerAllowListFilter.class);
        });
    }

    @Test
    void namedBundleTurnsOnSecureRegistrationClientsAndAllowList() {
        this.contextRunner.withClassLoader(WITHOUT_SPRING_SECURITY)
                .withPropertyValues("meshkeeper.security.mtls.bundle=mesh").run((context) -> {
            assertThat(context).hasSingleBean(MutualTlsProperties.class);
            assertThat(context).hasBean("meshkeeperMutualTlsRestClients");
            assertThat(context).hasBean("meshkeeperSecureRegistration");
            assertThat(context).hasSingleBean(CallerAllowListFilter.class);
            assertThat(context).doesNotHaveBean(SecurityFilterChain.class);
        });
    }

    @Test
    void withSpringSecurityTheAllowListIsAFilterChainInsteadOfAFilter() {
        this.contextRunner.withPropertyValues("meshkeeper.security.mtls.bundle=mesh").run((context) -> {
            assertThat(context).hasSingleBean(CallerAllowListSecurity.class);
            assertThat(context).hasBean("meshkeeperCallerAllowListFilterChain");
            assertThat(context).doesNotHaveBean(CallerAllowListFilter.class);
        });
    }

    @Test
    void balancedClientWithoutSpringBootsHttpClientSupportStopsStartUp() {
        this.contextRunner.withClassLoader(new FilteredClassLoader("org.springframework.boot.http.client"))
                .withPropertyValues("meshkeeper.security.mtls.bundle=mesh")
                .withUserConfiguration(BalancedClient.class).run((context) -> {
                    assertThat(context).hasFailed();
                    assertThat(context.getStartupFailure()).rootCause().hasMessageContaining(
                            "@LoadBalanced client 'balancedRestClientBuilder' cannot present the certificate")
                            .hasMessageContaining("spring-boot-starter-restclient");
                });
    }

    @Test
    void disabledByPropertyAlthoughABundleIsNamed() {
        this.contextRunner.withPropertyValues("meshkeeper.security.mtls.bundle=mesh",
                "meshkeeper.security.mtls.enabled=false")
                .run((context) -> assertThat(context).doesNotHaveBean(MutualTlsProperties.class));
    }

    @Test
    void bundleMakesTheServerRequireClientCertificatesUnlessSetExplicitly() {
        StandardEnvironment environment = new StandardEnvironment();
        TestPropertySourceUtils.addInlinedPropertiesToEnvironment(environment, "meshkeeper.security.mtls.bundle=mesh");
        new MutualTlsEnvironmentDefaults().postProcessEnvironment(environment, new SpringApplication());
        assertThat(environment.getProperty("server.ssl.bundle")).isEqualTo("mesh");
        assertThat(environment.getProperty("server.ssl.client-auth")).isEqualTo("need");

        StandardEnvironment explicit = new StandardEnvironment();
        TestPropertySourceUtils.addInlinedPropertiesToEnvironment(explicit, "meshkeeper.security.mtls.bundle=mesh",
                "server.ssl.client-auth=want");
        new MutualTlsEnvironmentDefaults().postProcessEnvironment(explicit, new SpringApplication());
        assertThat(explicit.getProperty("server.ssl.client-auth")).isEqualTo("want");

        StandardEnvironment none = new StandardEnvironment();
        new MutualTlsEnvironmentDefaults().postProcessEnvironment(none, new SpringApplication());
        assertThat(none.getProperty("server.ssl.bundle")).isNull();
    }

    @Test
    void serviceWithoutAnAllowListEntryIsNamedInAWarningAtStartUp(CapturedOutput output) {
        this.contextRunner.withPropertyValues("meshkeeper.security.mtls.bundle=mesh",
                "spring.application.name=unlisted").run((context) -> assertThat(output.getOut())
                        .contains("Service 'unlisted' has no meshkeeper.security.mtls.allowed-callers.unlisted entry: "
                                + "it admits no caller")
                        .contains("meshkeeper.security.mtls.allowed-callers.unlisted=*"));
        this.contextRunner.withPropertyValues("meshkeeper.security.mtls.bundle=mesh",
                "spring.application.name=listed", "meshkeeper.security.mtls.allowed-callers.listed=*")
                .run((context) -> assertThat(output.getOut()).doesNotContain("Service 'listed' has no"));
    }

    @Test
    void balancedCallsGoThroughTheFailClosedTransformer() {
        this.contextRunner.withPropertyValues("meshkeeper.security.mtls.bundle=mesh").run((context) -> assertThat(
                context.getBeansOfType(LoadBalancerRequestTransformer.class))
                .hasSize(1).allSatisfy((name, transformer) -> assertThat(transformer).isInstanceOf(MutualTlsCalls.class)));
    }

    @Test
    void bundleNameThatNamesNoBundleStopsStartUp() {
        this.contextRunner.withPropertyValues("meshkeeper.security.mtls.bundle=missing")
                .withUserConfiguration(BalancedClient.class).run((context) -> {
                    assertThat(context).hasFailed();
                    assertThat(context.getStartupFailure()).rootCause().hasMessageContaining(
                            "meshkeeper.security.mtls.bundle 'missing' cannot be resolved");
                });
    }

    @Configuration(proxyBeanMethods = false)
    static class BalancedClient {

        @Bean
        @LoadBalanced
        RestClient.Builder balancedRestClientBuilder() {
            return RestClient.builder();
        }
    }
}
