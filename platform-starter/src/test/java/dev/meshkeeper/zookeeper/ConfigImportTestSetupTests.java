package dev.meshkeeper.zookeeper;

import static org.assertj.core.api.Assertions.assertThat;

import dev.meshkeeper.registry.server.RegistryServer;
import dev.meshkeeper.registry.server.RegistryServerSettings;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.RetryOneTime;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.annotation.Configuration;
import org.springframework.test.annotation.DirtiesContext;

/**
 * How a test points {@code spring.config.import=zookeeper:} at a server that is not known before the test starts
 * (a container's mapped port, say). The import is resolved while Spring Boot prepares the environment, before any
 * context customizer — {@code @DynamicPropertySource} and {@code @ServiceConnection} included — has run, so the
 * connect string must be a system property by then (what {@code @EmbeddedRegistry} does for its server).
 */
@SpringBootTest(properties = { "spring.application.name=dynamic-import-test", "spring.config.import=zookeeper:",
        "spring.cloud.zookeeper.discovery.register=false" })
@DirtiesContext
@Timeout(120)
class ConfigImportTestSetupTests {

    static final RegistryServer registry = startRegistryWithConfig();

    @BeforeAll
    static void pointConfigImportAtTheRegistry() {
        System.setProperty("spring.cloud.zookeeper.connect-string", registry.connectString());
    }

    @AfterAll
    static void stopRegistry() {
        System.clearProperty("spring.cloud.zookeeper.connect-string");
        registry.close();
    }

    @Value("${greeting}")
    String greeting;

    @Test
    void configImportReadsFromTheServerNamedByASystemPropertySetBeforeTheContext() {
        assertThat(this.greeting).isEqualTo("hello from zookeeper");
    }

    private static RegistryServer startRegistryWithConfig() {
        try {
            RegistryServer server = new RegistryServer(RegistryServerSettings.builder().bindAddress("127.0.0.1")
                    .clientPort(0).dataDir(Files.createTempDirectory("meshkeeper-import-test-"))
                    .tickTime(Duration.ofMillis(200)).purgeInterval(Duration.ZERO).build());
            server.start();
            try (CuratorFramework client = CuratorFrameworkFactory.newClient(server.connectString(),
                    new RetryOneTime(100))) {
                client.start();
                client.create().creatingParentsIfNeeded().forPath("/config/dynamic-import-test/greeting",
                        "hello from zookeeper".getBytes(StandardCharsets.UTF_8));
            }
            return server;
        }
        catch (Exception ex) {
            throw new IllegalStateException(ex);
        }
    }

    @Configuration(proxyBeanMethods = false)
    @EnableAutoConfiguration
    static class App {

    }
}
