package dev.meshkeeper.zookeeper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.meshkeeper.actuate.MeshkeeperEndpoint;
import dev.meshkeeper.registry.junit.EmbeddedRegistry;
import dev.meshkeeper.registry.junit.RegistryHandle;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.state.ConnectionState;
import org.assertj.core.api.InstanceOfAssertFactories;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.event.EventListener;

@EmbeddedRegistry(dedicated = true)
@SpringBootTest(properties = { "spring.application.name=connection-test",
        "spring.config.import=optional:zookeeper:", "spring.cloud.zookeeper.discovery.instance-host=127.0.0.1",
        "management.endpoints.web.exposure.include=meshkeeper" })
@Timeout(120)
class ZooKeeperConnectionIntegrationTests {

    @Autowired
    CuratorFramework curator;

    @Autowired
    ZooKeeperConnectionMonitor monitor;

    @Autowired
    StateRecorder recorder;

    @Autowired
    MeterRegistry meters;

    @Autowired
    MeshkeeperEndpoint endpoint;

    @Test
    void connectionStateChangesBecomeEventsAndMetersWhenTheServerStopsAndReturns(RegistryHandle registry)
            throws Exception {
        assertThat(this.curator.getZookeeperClient().getCurrentConnectionString())
                .isEqualTo(registry.connectString());
        assertThat(this.monitor.currentState()).isEqualTo(ConnectionState.CONNECTED);
        long epochBefore = this.monitor.epoch();
        assertThat(epochBefore).isEqualTo(1);
        List<String> seenBySubscriber = new CopyOnWriteArrayList<>();
        AutoCloseable subscription = this.monitor.subscribe((client, state) -> seenBySubscriber
                .add(state + " connected=" + this.monitor.isConnected() + " epoch=" + this.monitor.epoch()));
        assertThat(this.endpoint.section("connection")).asInstanceOf(InstanceOfAssertFactories.MAP)
                .containsEntry("state", "CONNECTED").containsEntry("connectString", registry.connectString());

        registry.stop();
        await().atMost(Duration.ofSeconds(30))
                .untilAsserted(() -> assertThat(this.recorder.states).contains(ConnectionState.SUSPENDED));
        assertThat(this.monitor.isConnected()).isFalse();
        assertThat(this.meters.get("meshkeeper.zookeeper.connection").tag("state", "suspended").gauge().value())
                .isEqualTo(1.0);

        registry.start();
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
            assertThat(this.recorder.states).last().isEqualTo(ConnectionState.RECONNECTED);
            assertThat(this.monitor.isConnected()).isTrue();
        });
        // Subscribers hear every change after the monitor took it in; the epoch grew with the reconnection.
        assertThat(this.monitor.epoch()).isEqualTo(epochBefore + 1);
        assertThat(seenBySubscriber).startsWith("SUSPENDED connected=false epoch=" + epochBefore)
                .endsWith("RECONNECTED connected=true epoch=" + (epochBefore + 1));
        subscription.close();
        assertThat(this.meters.get("meshkeeper.zookeeper.connection.suspensions").functionCounter().count())
                .isGreaterThanOrEqualTo(1.0);
        assertThat(this.meters.get("meshkeeper.zookeeper.connection.reconnects").functionCounter().count())
                .isGreaterThanOrEqualTo(1.0);
        assertThat(this.meters.get("meshkeeper.zookeeper.connection").tag("state", "reconnected").gauge().value())
                .isEqualTo(1.0);
        assertThat(this.endpoint.meshkeeper()).containsKey("connection");
        assertThat(this.endpoint.section("connection")).asInstanceOf(InstanceOfAssertFactories.MAP)
                .containsEntry("state", "RECONNECTED").containsEntry("reconnects", this.monitor.reconnects());
        assertThat(this.endpoint.section("no-such-feature")).isNull();
    }

    @Configuration(proxyBeanMethods = false)
    @EnableAutoConfiguration
    static class App {

        @Bean
        StateRecorder stateRecorder() {
            return new StateRecorder();
        }
    }

    static class StateRecorder {

        final List<ConnectionState> states = new CopyOnWriteArrayList<>();

        @EventListener
        void on(ZooKeeperConnectionEvent event) {
            this.states.add(event.getState());
        }
    }
}
