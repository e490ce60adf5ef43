package dev.meshkeeper.traffic;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.meshkeeper.config.ConfigRejectedEvent;
import dev.meshkeeper.registry.junit.EmbeddedRegistry;
import dev.meshkeeper.registry.junit.RegistryHandle;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.ExponentialBackoffRetry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ApplicationListener;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * A rate limit changed in ZooKeeper goes through the live-config refresher's validate-before-apply like every other
 * property: {@link TrafficProperties} refuses an invalid candidate, the change is rejected with the key named, and
 * the limit in force, the properties bean and the {@code Environment} keep the last good value.
 */
@EmbeddedRegistry
@Timeout(120)
class RateLimitLiveValidationTests {

    private static final String SERVICE = "traffic-live-validation";

    private static final String KEY = "meshkeeper.traffic.rate-limits.quota.rate";

    private static final String ZNODE = "/config/" + SERVICE + "/meshkeeper/traffic/rate-limits/quota/rate";

    @Test
    void anInvalidRateFromZooKeeperIsRejectedAndTheLastGoodLimitStaysInForce(RegistryHandle registry)
            throws Exception {
        try (CuratorFramework curator = CuratorFrameworkFactory.newClient(registry.connectString(),
                new ExponentialBackoffRetry(200, 5))) {
            curator.start();
            curator.blockUntilConnected(30, TimeUnit.SECONDS);
            curator.create().creatingParentsIfNeeded().forPath(ZNODE, bytes("30"));
            try (ConfigurableApplicationContext app = start(registry.connectString())) {
                ClusterRateLimits limits = app.getBean(ClusterRateLimits.class);
                List<ConfigRejectedEvent> rejected = app.getBean(Rejections.class).events;
                assertThat(limits.localRate("quota")).isEqualTo(30.0);

                curator.setData().forPath(ZNODE, bytes("-5"));
                await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(rejected)
                        .anySatisfy((event) -> {
                            assertThat(event.getKey()).isEqualTo(KEY);
                            assertThat(event.getValue()).isEqualTo("-5");
                            assertThat(event.getReason()).contains(KEY + " '-5.0' is not a rate");
                        }));
                assertThat(limits.localRate("quota")).isEqualTo(30.0);
                assertThat(app.getBean(TrafficProperties.class).getRateLimits().get("quota").getRate())
                        .isEqualTo(30.0);
                assertThat(app.getEnvironment().getProperty(KEY)).isEqualTo("30");

                curator.setData().forPath(ZNODE, bytes("45"));
                await().atMost(Duration.ofSeconds(30))
                        .untilAsserted(() -> assertThat(limits.localRate("quota")).isEqualTo(45.0));
                assertThat(rejected).hasSize(1);
            }
        }
    }

    private static ConfigurableApplicationContext start(String connectString) {
        return new SpringApplicationBuilder(App.class).web(WebApplicationType.NONE).run(
                "--spring.application.name=" + SERVICE, "--spring.main.banner-mode=off",
                "--spring.cloud.zookeeper.connect-string=" + connectString,
                "--spring.config.import=optional:zookeeper:",
                "--spring.cloud.zookeeper.discovery.instance-host=127.0.0.1");
    }

    private static byte[] bytes(String value) {
        return value.getBytes(StandardCharsets.UTF_8);
    }

    static class Rejections implements ApplicationListener<ConfigRejectedEvent> {

        final List<ConfigRejectedEvent> events = new CopyOnWriteArrayList<>();

        @Override
        public void onApplicationEvent(ConfigRejectedEvent event) {
            this.events.add(event);
        }
    }

    @Configuration(proxyBeanMethods = false)
    @EnableAutoConfiguration
    static class App {

        @Bean
        Rejections rejections() {
            return new Rejections();
        }
    }
}
