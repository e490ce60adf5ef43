package dev.meshkeeper.zookeeper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.meshkeeper.registry.junit.EmbeddedRegistry;
import dev.meshkeeper.registry.junit.RegistryHandle;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.curator.framework.state.ConnectionState;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.cloud.zookeeper.ZookeeperHealthIndicator;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

@EmbeddedRegistry(dedicated = true)
@SpringBootTest(properties = { "spring.application.name=outage-test", "spring.config.import=optional:zookeeper:",
        "spring.cloud.zookeeper.discovery.instance-host=127.0.0.1", "meshkeeper.zookeeper.outage-tolerance=20s" })
@Timeout(120)
class ZooKeeperOutageHealthTests {

    @Autowired
    ZooKeeperConnectionMonitor monitor;

    @Autowired
    HealthIndicator zookeeperHealthIndicator;

    @Autowired
    MovableClock clock;

    @Test
    void replacesSpringCloudZookeepersIndicatorUnderTheSameName() {
        assertThat(this.zookeeperHealthIndicator).isInstanceOf(ZooKeeperOutageHealthIndicator.class)
                .isInstanceOf(ZookeeperHealthIndicator.class);
        assertThat(this.zookeeperHealthIndicator.health().getStatus()).isEqualTo(Status.UP);
    }

    @Test
    void staysUpThroughAShortOutageAndReportsALongOne(RegistryHandle registry) {
        registry.stop();
        await().atMost(Duration.ofSeconds(30))
                .untilAsserted(() -> assertThat(this.monitor.isConnected()).isFalse());
        Health during = this.zookeeperHealthIndicator.health();
        assertThat(during.getStatus()).isEqualTo(Status.UP);
        assertThat(during.getDetails()).containsKeys("outage", "outageTolerance");

        this.clock.advance(Duration.ofSeconds(21));
        Health longOutage = this.zookeeperHealthIndicator.health();
        assertThat(longOutage.getStatus()).isEqualTo(Status.DOWN);
        assertThat(longOutage.getDetails().get("error").toString()).contains("tolerance PT20S");

        registry.start();
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
            assertThat(this.monitor.currentState()).isIn(ConnectionState.RECONNECTED, ConnectionState.CONNECTED);
            assertThat(this.zookeeperHealthIndicator.health().getStatus()).isEqualTo(Status.UP);
        });
        assertThat(this.monitor.outageSince()).isNull();
    }

    @Configuration(proxyBeanMethods = false)
    @EnableAutoConfiguration
    static class App {

        @Bean
        MovableClock clock() {
            return new MovableClock();
        }
    }

    /** Time that tests move forward instead of waiting for it. */
    static class MovableClock extends Clock {

        private final AtomicReference<Instant> now = new AtomicReference<>(Instant.now());

        void advance(Duration duration) {
            this.now.updateAndGet(instant -> instant.plus(duration));
        }

        @Override
        public ZoneId getZone() {
            return ZoneId.of("UTC");
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return this.now.get();
        }
    }
}
