package dev.meshkeeper.discovery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.meshkeeper.registry.junit.EmbeddedRegistry;
import dev.meshkeeper.registry.junit.RegistryHandle;
import dev.meshkeeper.testapps.MeshApps;
import java.time.Duration;
import org.apache.curator.framework.CuratorFramework;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.cloud.context.refresh.ContextRefresher;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.ConfigurableApplicationContext;

@EmbeddedRegistry
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT, properties = {
        "spring.application.name=readable-id-test", "spring.config.import=optional:zookeeper:",
        "spring.cloud.zookeeper.discovery.instance-host=127.0.0.1" })
@Timeout(60)
class ReadableInstanceIdRegistrationTests {

    @Autowired
    CuratorFramework curator;

    @Test
    void registersUnderAReadableZnodeName() {
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(
                this.curator.getChildren().forPath("/services/readable-id-test"))
                .singleElement().asString().matches("readable-id-test-[0-9a-f]{8}"));
    }

    @Test
    void aFullRefreshKeepsTheInstanceIdOfAnInstanceOnARandomPort(RegistryHandle registry) throws Exception {
        try (ConfigurableApplicationContext provider = MeshApps.provider(registry.connectString(),
                "readable-id-refresh")) {
            String before = provider.getEnvironment().getProperty(ReadableInstanceIds.INSTANCE_ID);
            assertThat(before).matches("readable-id-refresh-[0-9a-f]{8}");
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(
                    this.curator.getChildren().forPath("/services/readable-id-refresh")).containsExactly(before));

            assertThat(provider.getBean(ContextRefresher.class).refresh())
                    .doesNotContain(ReadableInstanceIds.INSTANCE_ID);

            assertThat(provider.getEnvironment().getProperty(ReadableInstanceIds.INSTANCE_ID)).isEqualTo(before);
            assertThat(this.curator.getChildren().forPath("/services/readable-id-refresh")).containsExactly(before);
        }
    }

    @Configuration(proxyBeanMethods = false)
    @EnableAutoConfiguration
    static class App {

    }
}
