package dev.meshkeeper.zookeeper;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.curator.framework.CuratorFramework;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.testcontainers.service.connection.ServiceConnection;
import org.springframework.context.annotation.Configuration;
import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;

/**
 * The registry server's container image, wired through {@code @ServiceConnection}. Needs Docker; the same wiring
 * is covered without Docker by {@link ZooKeeperConnectionDetailsTests}.
 */
@Testcontainers(disabledWithoutDocker = true)
@SpringBootTest(properties = { "spring.application.name=container-test", "spring.cloud.zookeeper.config.enabled=false",
        "spring.cloud.zookeeper.discovery.instance-host=127.0.0.1", "spring.cloud.zookeeper.connect-string=127.0.0.1:1" })
@Timeout(600)
class MeshkeeperRegistryContainerTests {

    @Container
    @ServiceConnection
    static MeshkeeperRegistryContainer registry = MeshkeeperRegistryContainer.fromDockerfile(appModule());

    @Autowired
    CuratorFramework curator;

    @Test
    void theApplicationTalksToTheRegistryInTheContainer() throws Exception {
        assertThat(this.curator.getZookeeperClient().getCurrentConnectionString())
                .isEqualTo(registry.getConnectString());
        this.curator.create().forPath("/container-test", "hello".getBytes(StandardCharsets.UTF_8));
        assertThat(new String(this.curator.getData().forPath("/container-test"), StandardCharsets.UTF_8))
                .isEqualTo("hello");
    }

    /** This repository's registry-server/app, where no image is published yet. */
    static Path appModule() {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.isRegularFile(dir.resolve("registry-server/app/Dockerfile"))) {
                return dir.resolve("registry-server/app");
            }
        }
        throw new IllegalStateException("no registry-server/app/Dockerfile above " + Path.of("").toAbsolutePath());
    }

    @Configuration(proxyBeanMethods = false)
    @EnableAutoConfiguration
    static class App {

    }
}
