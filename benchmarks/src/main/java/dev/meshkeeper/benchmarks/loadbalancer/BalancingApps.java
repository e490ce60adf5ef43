package dev.meshkeeper.benchmarks.loadbalancer;

import dev.meshkeeper.discovery.InstanceRegistration;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.List;
import org.apache.curator.framework.CuratorFramework;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.cloud.client.loadbalancer.LoadBalanced;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.http.client.JdkClientHttpRequestFactory;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.client.RestClient;

/**
 * The applications of the balancing harnesses: providers (Tomcat with few worker threads answering {@code GET /work}
 * with their port after holding a thread for the work time) and callers (a load-balanced {@link RestClient}, no
 * retries, no circuit breaker, no outlier ejection, so only the strategy decides).
 */
final class BalancingApps {

    /** The callers' connect and read timeout. */
    static final Duration TIMEOUT = Duration.ofSeconds(1);

    private BalancingApps() {
    }

    /** The versions of the providers' registration nodes: each metadata write adds one. */
    static long[] versions(List<ConfigurableApplicationContext> providers) throws Exception {
        long[] versions = new long[providers.size()];
        for (int i = 0; i < versions.length; i++) {
            ConfigurableApplicationContext provider = providers.get(i);
            InstanceRegistration registration = provider.getBean(InstanceRegistration.class);
            versions[i] = provider.getBean(CuratorFramework.class).checkExists()
                    .forPath("/services/" + registration.serviceId() + "/" + registration.instanceId()).getVersion();
        }
        return versions;
    }

    /** The {@code load} metadata each provider has published, e.g. {@code [0.25/0.50/0.50]}. */
    static String publishedLoads(List<ConfigurableApplicationContext> providers) {
        StringBuilder loads = new StringBuilder("[");
        for (ConfigurableApplicationContext provider : providers) {
            loads.append((loads.length() > 1) ? "/" : "")
                    .append(provider.getBean(InstanceRegistration.class).metadata().get("load"));
        }
        return loads.append(']').toString();
    }

    static JdkClientHttpRequestFactory requestFactory() {
        JdkClientHttpRequestFactory factory = new JdkClientHttpRequestFactory(HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1).connectTimeout(TIMEOUT).build());
        factory.setReadTimeout(TIMEOUT);
        return factory;
    }

    static RestClient client(ConfigurableApplicationContext context) {
        return context.getBean(RestClient.Builder.class).requestFactory(requestFactory()).build();
    }

    static String port(ConfigurableApplicationContext context) {
        return context.getEnvironment().getProperty("local.server.port");
    }

    static ConfigurableApplicationContext provider(String connect, String service, int threads,
            long workMillis) {
        return new SpringApplicationBuilder(Provider.class).web(WebApplicationType.SERVLET)
                .properties("spring.application.name=" + service, "server.port=0",
                        "server.tomcat.threads.max=" + threads, "server.tomcat.threads.min-spare=" + threads,
                        "harness.work-millis=" + workMillis, "spring.config.import=optional:zookeeper:",
                        "spring.cloud.zookeeper.connect-string=" + connect, "spring.main.banner-mode=off",
                        "spring.cloud.zookeeper.discovery.instance-host=127.0.0.1", "logging.level.root=WARN")
                .run();
    }

    static ConfigurableApplicationContext caller(String connect, String... properties) {
        return new SpringApplicationBuilder(Caller.class).web(WebApplicationType.NONE)
                .properties("spring.application.name=utilisation-caller", "spring.config.import=optional:zookeeper:",
                        "spring.cloud.zookeeper.connect-string=" + connect, "spring.main.banner-mode=off",
                        "spring.cloud.service-registry.auto-registration.enabled=false",
                        "spring.cloud.loadbalancer.retry.enabled=false", "meshkeeper.traffic.retry.enabled=false",
                        "meshkeeper.traffic.circuit-breaker.enabled=false",
                        "meshkeeper.loadbalancer.outlier-ejection.enabled=false", "logging.level.root=ERROR")
                .properties(properties).run();
    }

    @Configuration(proxyBeanMethods = false)
    @EnableAutoConfiguration
    static class Provider {

        @Bean
        Work work(@Value("${harness.work-millis}") long workMillis, Environment environment) {
            return new Work(workMillis, environment);
        }
    }

    /** The provider's endpoint: holds a worker thread for the work time, which can be changed while it runs. */
    @RestController
    static final class Work {

        private volatile long workMillis;

        private final Environment environment;

        Work(long workMillis, Environment environment) {
            this.workMillis = workMillis;
            this.environment = environment;
        }

        void setWorkMillis(long workMillis) {
            this.workMillis = workMillis;
        }

        @GetMapping("/work")
        String work() throws InterruptedException {
            // Work that holds a worker thread, as I/O-bound work does: saturation shows as queueing.
            Thread.sleep(this.workMillis);
            return this.environment.getProperty("local.server.port");
        }
    }

    @Configuration(proxyBeanMethods = false)
    @EnableAutoConfiguration
    static class Caller {

        @Bean
        @LoadBalanced
        RestClient.Builder loadBalancedRestClientBuilder() {
            return RestClient.builder();
        }
    }
}
