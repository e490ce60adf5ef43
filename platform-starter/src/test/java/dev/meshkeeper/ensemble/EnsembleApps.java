package dev.meshkeeper.ensemble;

import dev.meshkeeper.leader.LeadershipRevokedEvent;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.cloud.client.loadbalancer.LoadBalanced;
import org.springframework.cloud.zookeeper.serviceregistry.ZookeeperRegistration;
import org.springframework.context.ApplicationListener;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.client.SimpleClientHttpRequestFactory;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.client.RestClient;

/** Real applications for the failure tests: web providers that register, and a consumer that calls them. */
final class EnsembleApps {

    private EnsembleApps() {
    }

    /**
     * A web application registered as {@code service}, answering {@code /whoami} with its instance id, with the
     * same {@code @ConfigurationProperties("ensemble")} bean as the consumer.
     */
    static ConfigurableApplicationContext provider(String connectString, String service, String... properties) {
        return new SpringApplicationBuilder(Provider.class).web(WebApplicationType.SERVLET)
                .properties(common(connectString, service)).properties("server.port=0").properties(properties)
                .run();
    }

    /**
     * A non-web application (it does not register) with a {@code @LoadBalanced RestClient}, an
     * {@code @ConfigurationProperties("ensemble")} bean and a record of the leadership revocations it heard.
     */
    static ConfigurableApplicationContext consumer(String connectString, String service, String... properties) {
        return new SpringApplicationBuilder(Consumer.class).web(WebApplicationType.NONE)
                .properties(common(connectString, service)).properties("spring.cloud.loadbalancer.cache.enabled=false")
                .properties(properties).run();
    }

    private static String[] common(String connectString, String service) {
        return new String[] { "spring.application.name=" + service, "spring.config.import=optional:zookeeper:",
                "spring.cloud.zookeeper.connect-string=" + connectString,
                "spring.cloud.zookeeper.discovery.instance-host=127.0.0.1", "spring.main.banner-mode=off" };
    }

    @Configuration(proxyBeanMethods = false)
    @EnableAutoConfiguration
    @EnableConfigurationProperties(Greeting.class)
    static class Provider {

        @Bean
        WhoAmI whoAmI(ZookeeperRegistration registration) {
            return new WhoAmI(registration);
        }
    }

    @RestController
    static class WhoAmI {

        private final ZookeeperRegistration registration;

        WhoAmI(ZookeeperRegistration registration) {
            this.registration = registration;
        }

        @GetMapping("/whoami")
        String whoAmI() {
            return this.registration.getServiceInstance().getId();
        }
    }

    @Configuration(proxyBeanMethods = false)
    @EnableAutoConfiguration
    @EnableConfigurationProperties(Greeting.class)
    static class Consumer {

        @Bean
        @LoadBalanced
        RestClient.Builder loadBalancedRestClientBuilder() {
            SimpleClientHttpRequestFactory requests = new SimpleClientHttpRequestFactory();
            requests.setConnectTimeout(Duration.ofSeconds(2));
            requests.setReadTimeout(Duration.ofSeconds(5));
            return RestClient.builder().requestFactory(requests);
        }

        @Bean
        Revocations revocations() {
            return new Revocations();
        }
    }

    /** Live configuration read from {@code /config/<application>/ensemble.greeting}. */
    @ConfigurationProperties("ensemble")
    static class Greeting {

        /** The greeting. */
        private String greeting = "unset";

        public String getGreeting() {
            return this.greeting;
        }

        public void setGreeting(String greeting) {
            this.greeting = greeting;
        }
    }

    /** The leadership revocations the consumer heard. */
    static class Revocations implements ApplicationListener<LeadershipRevokedEvent> {

        final List<LeadershipRevokedEvent> events = new CopyOnWriteArrayList<>();

        @Override
        public void onApplicationEvent(LeadershipRevokedEvent event) {
            this.events.add(event);
        }
    }
}
