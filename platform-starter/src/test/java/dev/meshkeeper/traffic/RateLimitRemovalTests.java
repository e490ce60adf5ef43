package dev.meshkeeper.traffic;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.meshkeeper.registry.junit.EmbeddedRegistry;
import dev.meshkeeper.registry.junit.RegistryHandle;
import dev.meshkeeper.testapps.MeshApps;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.ExponentialBackoffRetry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * A rate limit deleted from ZooKeeper is lifted live: once the nodes of the limit are gone, the instance admits every
 * request again, without a restart, and the other limits stay in force. A real provider reads its limits from the
 * embedded ZooKeeper's config, where they were before it started.
 */
@EmbeddedRegistry
@Timeout(120)
class RateLimitRemovalTests {

    private static final String SERVICE = "traffic-rl-removal";

    private static final String LIMITS = "/config/" + SERVICE + "/meshkeeper/traffic/rate-limits";

    private static final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private static CuratorFramework curator;

    private static ConfigurableApplicationContext provider;

    @BeforeAll
    static void start(RegistryHandle registry) throws Exception {
        curator = CuratorFrameworkFactory.newClient(registry.connectString(), new ExponentialBackoffRetry(200, 5));
        curator.start();
        curator.blockUntilConnected(30, TimeUnit.SECONDS);
        write(LIMITS + "/other-work/path", "/who");
        write(LIMITS + "/other-work/rate", "1000");
        write(LIMITS + "/slow-work/path", "/work");
        write(LIMITS + "/slow-work/rate", "1");
        write(LIMITS + "/slow-work/burst", "1");
        provider = MeshApps.provider(registry.connectString(), SERVICE);
    }

    @AfterAll
    static void stop() {
        if (provider != null) {
            provider.close();
        }
        if (curator != null) {
            curator.close();
        }
    }

    @Test
    void aLimitDeletedFromZooKeeperNoLongerRejectsRequests() throws Exception {
        ClusterRateLimits limits = provider.getBean(ClusterRateLimits.class);
        assertThat(limits.localRate("slow-work")).isEqualTo(1.0);
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(status("/work")).isEqualTo(429));

        curator.delete().deletingChildrenIfNeeded().forPath(LIMITS + "/slow-work");

        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(limits.localRate("slow-work"))
                .isEqualTo(Double.POSITIVE_INFINITY));
        assertThat(limits.limits()).doesNotContainKey("slow-work").containsKey("other-work");
        for (int i = 0; i < 20; i++) {
            assertThat(status("/work")).as("request %d after the limit was deleted", i).isEqualTo(200);
        }
    }

    private static int status(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + MeshApps.port(provider) + path))
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    private static void write(String path, String value) throws Exception {
        curator.create().orSetData().creatingParentsIfNeeded().forPath(path, value.getBytes(StandardCharsets.UTF_8));
    }
}
