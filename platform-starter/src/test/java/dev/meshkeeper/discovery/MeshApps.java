package dev.meshkeeper.discovery;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.x.discovery.ServiceInstance;
import org.apache.curator.x.discovery.details.JsonInstanceSerializer;
import org.apache.zookeeper.KeeperException;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.cloud.client.loadbalancer.LoadBalanced;
import org.springframework.cloud.zookeeper.discovery.ZookeeperInstance;
import org.springframework.cloud.zookeeper.serviceregistry.ZookeeperRegistration;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.client.RestClient;

/** Real applications for discovery tests: providers on random ports and consumers, against the embedded registry. */
final class MeshApps {

    private MeshApps() {
    }

    /** A web application registered as {@code service}, answering {@code /whoami} with its instance id. */
    static ConfigurableApplicationContext provider(String connectString, String service, String... properties) {
        return new SpringApplicationBuilder(Provider.class).web(WebApplicationType.SERVLET)
                .properties(common(connectString, service)).properties("server.port=0").properties(properties)
                .run();
    }

    /** A non-web application (it does not register) with a {@code @LoadBalanced RestClient.Builder}. */
    static ConfigurableApplicationContext consumer(String connectString, String service, String... properties) {
        return new SpringApplicationBuilder(Consumer.class).web(WebApplicationType.NONE)
                .properties(common(connectString, service)).properties(properties).run();
    }

    /** The registration of an instance as ZooKeeper holds it, or {@code null} when its node is absent. */
    static ServiceInstance<ZookeeperInstance> node(CuratorFramework curator, String service, String id)
            throws Exception {
        try {
            return new JsonInstanceSerializer<>(ZookeeperInstance.class)
                    .deserialize(curator.getData().forPath("/services/" + service + "/" + id));
        }
        catch (KeeperException.NoNodeException ex) {
            return null;
        }
    }

    static String instanceId(ConfigurableApplicationContext provider) {
        return provider.getBean(ZookeeperRegistration.class).getServiceInstance().getId();
    }

    private static String[] common(String connectString, String service) {
        List<String> properties = new ArrayList<>(List.of("spring.application.name=" + service,
                "spring.config.import=optional:zookeeper:", "spring.cloud.zookeeper.connect-string=" + connectString,
                "spring.cloud.zookeeper.discovery.instance-host=127.0.0.1", "spring.main.banner-mode=off",
                "management.endpoints.web.exposure.include=health,meshkeeper"));
        return properties.toArray(String[]::new);
    }

    @Configuration(proxyBeanMethods = false)
    @EnableAutoConfiguration
    static class Provider {

        @Bean
        WhoAmI whoAmI(ZookeeperRegistration registration) {
            return new WhoAmI(registration);
        }

        @Bean
        SwitchableHealth switchableHealth() {
            return new SwitchableHealth();
        }
    }

    /** A health contributor a test can turn DOWN and UP again. */
    static class SwitchableHealth implements HealthIndicator {

        private final AtomicBoolean up = new AtomicBoolean(true);

        void set(boolean up) {
            this.up.set(up);
        }

        @Override
        public Health health() {
            return this.up.get() ? Health.up().build() : Health.down().build();
        }
    }

    @RestController
    static class WhoAmI {

        private final ZookeeperRegistration registration;

        WhoAmI(ZookeeperRegistration registration) {
            this.registration = registration;
        }

        @GetMapping("/whoami")
        String whoAmI(@RequestParam(defaultValue = "0") long workMillis) throws InterruptedException {
            if (workMillis > 0) {
                // The request's own work, so that it is in flight while the instance shuts down.
                Thread.sleep(workMillis);
            }
            return this.registration.getServiceInstance().getId();
        }
    }

    @Configuration(proxyBeanMethods = false)
    @EnableAutoConfiguration
    static class Consumer {

        @Bean
        @LoadBalanced
        RestClient.Builder loadBalancedRestClientBuilder() {
            return RestClient.builder();
        }
    }
}
