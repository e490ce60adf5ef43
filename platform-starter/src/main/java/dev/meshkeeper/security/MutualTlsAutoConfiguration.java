package dev.meshkeeper.security;

import dev.meshkeeper.ConditionalOnMeshkeeperEnabled;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.AnyNestedCondition;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.http.client.ClientHttpRequestFactoryBuilder;
import org.springframework.boot.http.client.HttpClientSettings;
import org.springframework.boot.http.client.reactive.ClientHttpConnectorBuilder;
import org.springframework.boot.ssl.SslBundle;
import org.springframework.boot.ssl.SslBundles;
import org.springframework.cloud.client.loadbalancer.LoadBalanced;
import org.springframework.cloud.client.loadbalancer.LoadBalancerRequestTransformer;
import org.springframework.cloud.client.loadbalancer.reactive.LoadBalancerClientRequestTransformer;
import org.springframework.cloud.context.environment.EnvironmentChangeEvent;
import org.springframework.cloud.zookeeper.serviceregistry.ServiceInstanceRegistration;
import org.springframework.context.ApplicationContext;
import org.springframework.context.ApplicationListener;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;
import org.springframework.core.env.Environment;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.annotation.web.configuration.EnableWebSecurity;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.web.client.RestClient;
import org.springframework.web.reactive.function.client.WebClient;

/**
 * Mutual TLS between services on the Spring Boot SSL bundle named by {@code meshkeeper.security.mtls.bundle}:
 * <ul>
 * <li>the web server uses the bundle and needs a client certificate ({@code server.ssl.bundle},
 * {@code server.ssl.client-auth=need}, set as defaults);</li>
 * <li>the instance registers as secure: its port is published as the SSL port, so consumers build {@code https}
 * URIs;</li>
 * <li>every {@code @LoadBalanced RestClient.Builder}, {@code RestTemplate} and {@code WebClient.Builder} sends its
 * requests through a client that Spring Boot's {@code ClientHttpRequestFactoryBuilder} or
 * {@code ClientHttpConnectorBuilder} builds with the application's HTTP client settings
 * ({@code spring.http.clients.*}: timeouts, redirects) and the bundle: it presents the bundle's
 * certificate, trusts the bundle's trust material and requires the server's certificate to speak for the called
 * service; an instance registered without an SSL port is refused, never called over plain http
 * ({@link MutualTlsCalls}, {@link MutualTlsExchanges});</li>
 * <li>only the caller identities ({@link CallerIdentity}) on {@code meshkeeper.security.mtls.allowed-callers.<this
 * service>} are admitted, every trusted caller if the entry is {@code *}, nobody without an entry; others get 403.
 * The entry follows ZooKeeper config live ({@link CallerAllowList}). With Spring Security on the class path this is
 * Spring Security configuration ({@link CallerAllowListSecurity}), otherwise a servlet filter
 * ({@link CallerAllowListFilter}).</li>
 * </ul>
 * TLS does not involve ZooKeeper: a lost ZooKeeper connection changes nothing here.
 */
@AutoConfiguration(
        beforeName = "org.springframework.boot.security.autoconfigure.web.servlet.ServletWebSecurityAutoConfiguration")
@ConditionalOnMeshkeeperEnabled
@ConditionalOnBooleanProperty(name = "meshkeeper.security.mtls.enabled", matchIfMissing = true)
@ConditionalOnProperty(name = "meshkeeper.security.mtls.bundle")
@EnableConfigurationProperties(MutualTlsProperties.class)
public class MutualTlsAutoConfiguration {

    private static final String HTTP_CLIENT_BUILDER = "org.springframework.boot.http.client.ClientHttpRequestFactoryBuilder";

    @Bean
    @ConditionalOnClass(ServiceInstanceRegistration.class)
    static BeanPostProcessor meshkeeperSecureRegistration() {
        return new BeanPostProcessor() {

            @Override
            public Object postProcessAfterInitialization(Object bean, String beanName) {
                if (bean instanceof ServiceInstanceRegistration registration
                        && !(bean instanceof SecureServiceInstanceRegistration)) {
                    return SecureServiceInstanceRegistration.of(registration);
                }
                return bean;
            }
        };
    }

    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass({ RestClient.class, LoadBalanced.class, LoadBalancerRequestTransformer.class,
            ClientHttpRequestFactoryBuilder.class })
    static class BalancedClientsConfiguration {

        @Bean
        static MutualTlsCalls meshkeeperMutualTlsCalls(ObjectProvider<SslBundles> sslBundles, Environment environment,
                ObjectProvider<ClientHttpRequestFactoryBuilder<?>> requestFactoryBuilder,
                ObjectProvider<HttpClientSettings> settings) {
            String bundleName = environment.getRequiredProperty("meshkeeper.security.mtls.bundle").trim();
            return new MutualTlsCalls(() -> bundle(sslBundles, bundleName),
                    (serviceBundle) -> requestFactoryBuilder.getIfAvailable(ClientHttpRequestFactoryBuilder::detect)
                            .build(settings.getIfAvailable(HttpClientSettings::defaults).withSslBundle(serviceBundle)));
        }

        @Bean
        static BeanPostProcessor meshkeeperMutualTlsRestClients(ApplicationContext context,
                ObjectProvider<MutualTlsCalls> calls) {
            return new LoadBalancedClients(context, (client) -> client.use(calls.getObject().requestFactory()));
        }
    }

    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass({ WebClient.class, LoadBalancerClientRequestTransformer.class,
            ClientHttpConnectorBuilder.class })
    static class BalancedWebClientsConfiguration {

        @Bean
        static MutualTlsExchanges meshkeeperMutualTlsExchanges(ObjectProvider<SslBundles> sslBundles,
                Environment environment, ObjectProvider<ClientHttpConnectorBuilder<?>> connectorBuilder,
                ObjectProvider<HttpClientSettings> settings) {
            String bundleName = environment.getRequiredProperty("meshkeeper.security.mtls.bundle").trim();
            return new MutualTlsExchanges(() -> bundle(sslBundles, bundleName),
                    (serviceBundle) -> connectorBuilder.getIfAvailable(ClientHttpConnectorBuilder::detect)
                            .build(settings.getIfAvailable(HttpClientSettings::defaults).withSslBundle(serviceBundle)));
        }

        /** After initialisation, so that the filter comes after Spring Cloud LoadBalancer's. */
        @Bean
        static BeanPostProcessor meshkeeperMutualTlsWebClients(ApplicationContext context,
                ObjectProvider<MutualTlsExchanges> exchanges) {
            return new BeanPostProcessor() {

                @Override
                public Object postProcessAfterInitialization(Object bean, String beanName) {
                    if (bean instanceof WebClient.Builder builder && context.containsBeanDefinition(beanName)
                            && context.findAnnotationOnBean(beanName, LoadBalanced.class) != null) {
                        MutualTlsExchanges calls = exchanges.getObject().checked();
                        builder.clientConnector(calls).filter(calls);
                    }
                    return bean;
                }
            };
        }
    }

    /** Without Spring Boot's HTTP client support, balanced clients cannot get the certificate: stop start-up. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass({ RestClient.class, LoadBalanced.class })
    @ConditionalOnMissingClass(HTTP_CLIENT_BUILDER)
    static class MissingHttpClientConfiguration {

        @Bean
        static BeanPostProcessor meshkeeperMutualTlsRestClients(ApplicationContext context) {
            return new LoadBalancedClients(context, (client) -> {
                throw new IllegalStateException("meshkeeper.security.mtls.bundle is set, but @LoadBalanced client '"
                        + client.beanName() + "' cannot present the certificate: " + HTTP_CLIENT_BUILDER
                        + " is not on the class path. Add org.springframework.boot:spring-boot-starter-restclient "
                        + "(or spring-boot-http-client)");
            });
        }
    }

    @Configuration(proxyBeanMethods = false)
    @ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
    @ConditionalOnClass(name = "org.springframework.web.filter.OncePerRequestFilter")
    static class AllowListConfiguration {

        @Bean
        CallerAllowList meshkeeperCallerAllowList(Environment environment) {
            return new CallerAllowList(environment.getProperty("spring.application.name", "application"), environment);
        }

        @Bean
        @ConditionalOnClass(EnvironmentChangeEvent.class)
        ApplicationListener<EnvironmentChangeEvent> meshkeeperCallerAllowListReloader(CallerAllowList allowList) {
            return (event) -> allowList.reload();
        }

        @Configuration(proxyBeanMethods = false)
        @Conditional(WithoutSpringSecurity.class)
        static class FilterConfiguration {

            @Bean
            CallerAllowListFilter meshkeeperCallerAllowListFilter(CallerAllowList allowList) {
                return new CallerAllowListFilter(allowList);
            }
        }

        @Configuration(proxyBeanMethods = false)
        @ConditionalOnClass({ HttpSecurity.class, SecurityFilterChain.class })
        static class SpringSecurityConfiguration {

            @Bean
            CallerAllowListSecurity meshkeeperCallerAllowListSecurity(CallerAllowList allowList) {
                return new CallerAllowListSecurity(allowList);
            }

            @Bean
            @Order(CallerAllowListSecurity.ORDER)
            @ConditionalOnMissingBean(name = "meshkeeperCallerAllowListFilterChain")
            SecurityFilterChain meshkeeperCallerAllowListFilterChain(HttpSecurity http,
                    CallerAllowListSecurity allowList) throws Exception {
                return allowList.configure(http).build();
            }

            /** Spring Security without Spring Boot's security auto-configuration (which would do the same). */
            @Configuration(proxyBeanMethods = false)
            @ConditionalOnMissingBean(name = "springSecurityFilterChain")
            @EnableWebSecurity
            static class EnableWebSecurityConfiguration {

            }
        }
    }

    /** Spring Security's servlet configuration support ({@code spring-security-config} and -web) is missing. */
    static class WithoutSpringSecurity extends AnyNestedCondition {

        WithoutSpringSecurity() {
            super(ConfigurationPhase.PARSE_CONFIGURATION);
        }

        @ConditionalOnMissingClass("org.springframework.security.config.annotation.web.builders.HttpSecurity")
        static class WithoutConfig {

        }

        @ConditionalOnMissingClass("org.springframework.security.web.SecurityFilterChain")
        static class WithoutWeb {

        }
    }

    private static SslBundle bundle(ObjectProvider<SslBundles> sslBundles, String name) {
        SslBundles bundles = sslBundles.getIfAvailable();
        if (bundles == null) {
            throw new IllegalStateException("meshkeeper.security.mtls.bundle '" + name
                    + "' cannot be resolved: no SSL bundles are configured; define spring.ssl.bundle.pem." + name
                    + ".* or spring.ssl.bundle.jks." + name + ".*");
        }
        try {
            return bundles.getBundle(name);
        }
        catch (RuntimeException ex) {
            throw new IllegalStateException("meshkeeper.security.mtls.bundle '" + name
                    + "' names no SSL bundle; define spring.ssl.bundle.pem." + name + ".* or spring.ssl.bundle.jks."
                    + name + ".* (" + ex.getMessage() + ")", ex);
        }
    }
}
