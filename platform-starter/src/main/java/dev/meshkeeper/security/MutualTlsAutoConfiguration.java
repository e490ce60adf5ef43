package dev.meshkeeper.security;

import dev.meshkeeper.ConditionalOnMeshkeeperEnabled;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.ssl.SslBundle;
import org.springframework.boot.ssl.SslBundles;
import org.springframework.cloud.client.loadbalancer.LoadBalanced;
import org.springframework.cloud.client.loadbalancer.LoadBalancerRequestTransformer;
import org.springframework.cloud.context.environment.EnvironmentChangeEvent;
import org.springframework.cloud.zookeeper.serviceregistry.ServiceInstanceRegistration;
import org.springframework.context.ApplicationContext;
import org.springframework.context.ApplicationListener;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.web.client.RestClient;

/**
 * Mutual TLS between services on the Spring Boot SSL bundle named by {@code meshkeeper.security.mtls.bundle}:
 * <ul>
 * <li>the web server uses the bundle and needs a client certificate ({@code server.ssl.bundle},
 * {@code server.ssl.client-auth=need}, set as defaults);</li>
 * <li>the instance registers as secure: its port is published as the SSL port, so consumers build {@code https}
 * URIs;</li>
 * <li>every {@code @LoadBalanced RestClient.Builder} sends its requests through a JDK HTTP client that presents the
 * bundle's certificate, trusts the bundle's trust material and requires the server's certificate to speak for the
 * called service; an instance registered without an SSL port is refused, never called over plain http
 * ({@link MutualTlsCalls});</li>
 * <li>only the caller identities ({@link CallerIdentity}) on {@code meshkeeper.security.mtls.allowed-callers.<this
 * service>} are admitted, every trusted caller if the entry is {@code *}, nobody without an entry; others get 403.
 * The entry follows ZooKeeper config live ({@link CallerAllowList}).</li>
 * </ul>
 * TLS does not involve ZooKeeper: a lost ZooKeeper connection changes nothing here.
 */
@AutoConfiguration
@ConditionalOnMeshkeeperEnabled
@ConditionalOnBooleanProperty(name = "meshkeeper.security.mtls.enabled", matchIfMissing = true)
@ConditionalOnProperty(name = "meshkeeper.security.mtls.bundle")
@EnableConfigurationProperties(MutualTlsProperties.class)
public class MutualTlsAutoConfiguration {

    @Bean
    @ConditionalOnClass({ RestClient.class, LoadBalanced.class, LoadBalancerRequestTransformer.class })
    static MutualTlsCalls meshkeeperMutualTlsCalls(ObjectProvider<SslBundles> sslBundles, Environment environment) {
        String bundleName = environment.getRequiredProperty("meshkeeper.security.mtls.bundle").trim();
        return new MutualTlsCalls(() -> bundle(sslBundles, bundleName));
    }

    @Bean
    @ConditionalOnClass({ RestClient.class, LoadBalanced.class, LoadBalancerRequestTransformer.class })
    static BeanPostProcessor meshkeeperMutualTlsRestClients(ApplicationContext context,
            ObjectProvider<MutualTlsCalls> calls) {
        return new BeanPostProcessor() {

            @Override
            public Object postProcessBeforeInitialization(Object bean, String beanName) {
                if (bean instanceof RestClient.Builder builder && context.containsBeanDefinition(beanName)
                        && context.findAnnotationOnBean(beanName, LoadBalanced.class) != null) {
                    builder.requestFactory(calls.getObject().requestFactory());
                }
                return bean;
            }
        };
    }

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
    @ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
    @ConditionalOnClass(name = "org.springframework.web.filter.OncePerRequestFilter")
    static class AllowListConfiguration {

        @Bean
        CallerAllowList meshkeeperCallerAllowList(Environment environment) {
            return new CallerAllowList(environment.getProperty("spring.application.name", "application"), environment);
        }

        @Bean
        CallerAllowListFilter meshkeeperCallerAllowListFilter(CallerAllowList allowList) {
            return new CallerAllowListFilter(allowList);
        }

        @Bean
        @ConditionalOnClass(EnvironmentChangeEvent.class)
        ApplicationListener<EnvironmentChangeEvent> meshkeeperCallerAllowListReloader(CallerAllowList allowList) {
            return (event) -> allowList.reload();
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
