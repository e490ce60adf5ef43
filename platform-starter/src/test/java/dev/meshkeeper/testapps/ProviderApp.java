package dev.meshkeeper.testapps;

import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.cloud.zookeeper.serviceregistry.ZookeeperRegistration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;

/** A provider: registers itself and answers {@link ProviderEndpoints} and {@code /whoami}. */
@Configuration(proxyBeanMethods = false)
@EnableAutoConfiguration
class ProviderApp {

    @Bean
    ProviderEndpoints providerEndpoints(Environment environment) {
        return new ProviderEndpoints(environment);
    }

    @Bean
    WhoAmI whoAmI(ZookeeperRegistration registration) {
        return new WhoAmI(registration);
    }

    @Bean
    SwitchableHealth switchableHealth() {
        return new SwitchableHealth();
    }
}
