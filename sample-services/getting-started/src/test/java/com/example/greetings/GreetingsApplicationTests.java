package com.example.greetings;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.meshkeeper.registry.junit.EmbeddedRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.apache.curator.framework.CuratorFramework;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.web.client.RestClient;
import dev.meshkeeper.registry.junit.RegistryHandle;

/**
 * The getting-started guide, end to end: two instances of the application discover each other, balance a call over
 * both, follow a config change written to ZooKeeper, and take turns under a cluster-wide lock.
 */
@EmbeddedRegistry
@Timeout(120)
class GreetingsApplicationTests {

    static ConfigurableApplicationContext first;

    static ConfigurableApplicationContext second;

    @BeforeAll
    static void startTwoInstances(RegistryHandle registry) {
        first = start(registry);
        second = start(registry);
    }

    @AfterAll
    static void stop() {
        if (second != null) {
            second.close();
        }
        if (first != null) {
            first.close();
        }
    }

    @Test
    void aLoadBalancedCallReachesBothInstances() {
        RestClient client = client(first);
        Set<Object> servedBy = new HashSet<>();
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            servedBy.add(client.get().uri("/relay/ada").retrieve().body(Map.class).get("servedBy"));
            assertThat(servedBy).containsExactlyInAnyOrder(port(first), port(second));
        });
    }

    @Test
    void aSalutationWrittenToZooKeeperIsUsedByEveryInstance() throws Exception {
        CuratorFramework curator = first.getBean(CuratorFramework.class);
        curator.create().orSetData().creatingParentsIfNeeded().forPath("/config/greetings/greeting/salutation",
                "Good morning".getBytes(StandardCharsets.UTF_8));
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
            assertThat(client(first).get().uri("/greet/ada").retrieve().body(Map.class))
                    .containsEntry("greeting", "Good morning, ada");
            assertThat(client(second).get().uri("/greet/ada").retrieve().body(Map.class))
                    .containsEntry("greeting", "Good morning, ada");
        });
    }

    @Test
    void lockedStepsGetGrowingFencingTokensWhicheverInstanceTakesThem() {
        long firstToken = ((Number) client(first).post().uri("/tick").retrieve().body(Map.class).get("fencingToken"))
                .longValue();
        long secondToken = ((Number) client(second).post().uri("/tick").retrieve().body(Map.class)
                .get("fencingToken")).longValue();
        assertThat(secondToken).isGreaterThan(firstToken);
    }

    private static ConfigurableApplicationContext start(RegistryHandle registry) {
        return new SpringApplicationBuilder(GreetingsApplication.class).run("--server.port=0",
                "--server.address=127.0.0.1", "--spring.cloud.zookeeper.connect-string=" + registry.connectString());
    }

    private static RestClient client(ConfigurableApplicationContext context) {
        return RestClient.create("http://127.0.0.1:" + port(context));
    }

    private static String port(ConfigurableApplicationContext context) {
        return context.getEnvironment().getProperty("local.server.port");
    }
}
