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
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.ExponentialBackoffRetry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * Three real provider applications of one service, registered in the embedded ZooKeeper, sharing cluster-wide
 * rate limits read from ZooKeeper config.
 */
@EmbeddedRegistry
@Timeout(240)
class ClusterRateLimitsIntegrationTests {

    private static final Logger logger = LoggerFactory.getLogger(ClusterRateLimitsIntegrationTests.class);

    private static final AtomicInteger generations = new AtomicInteger();

    private static final String SERVICE = "traffic-rl-provider";

    private static final String CONFIG = "/config/" + SERVICE + "/meshkeeper/traffic/rate-limits";

    private static final double RATE = 60;

    private static final String STOCK_RATE = "/config/" + SERVICE + "/stock/rate-limit";

    private static final List<ConfigurableApplicationContext> providers = new ArrayList<>();

    private static CuratorFramework curator;

    private static String connectString;

    private static final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @BeforeAll
    static void startProviders(RegistryHandle registry) throws Exception {
        connectString = registry.connectString();
        curator = CuratorFrameworkFactory.newClient(connectString, new ExponentialBackoffRetry(200, 5));
        curator.start();
        curator.blockUntilConnected(30, TimeUnit.SECONDS);
        write(CONFIG + "/quota/rate", Double.toString(RATE));
        write(CONFIG + "/quota/burst", "6");
        for (int i = 0; i < 3; i++) {
            providers.add(provider());
        }
        awaitLocalRate("quota", RATE / 3, providers);
    }

    @AfterAll
    static void stopProviders() {
        providers.forEach(ConfigurableApplicationContext::close);
        if (curator != null) {
            curator.close();
        }
    }

    /**
     * Every test starts from three providers with the quota at its configured rate and burst and the stock limit
     * unset, whatever an earlier test changed.
     */
    @BeforeEach
    void baseConfigurationInEffect() throws Exception {
        while (providers.size() < 3) {
            providers.add(provider());
        }
        write(CONFIG + "/quota/rate", Double.toString(RATE));
        write(CONFIG + "/quota/burst", "6");
        if (curator.checkExists().forPath(STOCK_RATE) != null) {
            curator.delete().forPath(STOCK_RATE);
        }
        awaitRefreshed();
        awaitLocalRate("quota", RATE / 3, providers);
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertThat(providers).allSatisfy(
                (p) -> assertThat(rateLimits(p).localRate("stock")).isEqualTo(Double.POSITIVE_INFINITY)));
    }

    @Test
    void threeInstancesTogetherAdmitTheGlobalRate() throws Exception {
        Duration window = Duration.ofSeconds(8);
        AtomicLong admitted = new AtomicLong();
        AtomicLong rejected = new AtomicLong();
        AtomicLong other = new AtomicLong();
        ExecutorService clients = Executors.newFixedThreadPool(4);
        long end = System.nanoTime() + window.toNanos();
        List<Future<?>> running = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
            int offset = t;
            running.add(clients.submit(() -> {
                int i = offset;
                while (System.nanoTime() < end) {
                    int status = get(providers.get(i++ % providers.size()), "/work").statusCode();
                    (status == 200 ? admitted : status == 429 ? rejected : other).incrementAndGet();
                }
                return null;
            }));
        }
        for (Future<?> future : running) {
            future.get(60, TimeUnit.SECONDS);
        }
        clients.shutdown();
        double expected = RATE * window.toSeconds();
        double error = (admitted.get() - expected) / expected;
        logger.info("Cluster-wide limit {}/s over {} s on 3 instances: admitted {} (expected {}, error {} %), rejected {}",
                RATE, window.toSeconds(), admitted.get(), expected, String.format("%+.1f", error * 100),
                rejected.get());
        assertThat(other.get()).isZero();
        assertThat(rejected.get()).as("the load exceeds the limit").isPositive();
        assertThat(Math.abs(error)).as("relative error of the admitted total").isLessThan(0.35);
    }

    @Test
    void rejectedRequestGetsProblemDetailsWithRetryAfter() throws Exception {
        HttpResponse<String> rejected = null;
        for (int i = 0; i < 200 && rejected == null; i++) {
            HttpResponse<String> response = get(providers.get(0), "/work");
            if (response.statusCode() == 429) {
                rejected = response;
            }
        }
        assertThat(rejected).as("a 429 within 200 calls to one instance admitting 20/s").isNotNull();
        assertThat(rejected.headers().firstValue("Content-Type")).hasValueSatisfying(
                (type) -> assertThat(type).startsWith("application/problem+json"));
        assertThat(rejected.headers().firstValue("Retry-After")).hasValueSatisfying(
                (seconds) -> assertThat(Long.parseLong(seconds)).isPositive());
        assertThat(rejected.body()).contains("\"status\":429").contains("\"limit\":\"quota\"")
                .contains("\"title\":\"Too Many Requests\"");
    }

    @Test
    void remainingInstancesTakeOverTheShareOfOneThatLeavesAndGiveItBackWhenOneReturns() {
        ConfigurableApplicationContext leaving = providers.remove(2);
        leaving.close();
        awaitLocalRate("quota", RATE / 2, providers);
        providers.add(provider());
        awaitLocalRate("quota", RATE / 3, providers);
    }

    @Test
    void limitChangedInZooKeeperTakesEffectOnEveryInstanceAndAnInvalidValueKeepsTheLastGoodOne() throws Exception {
        write(CONFIG + "/quota/rate", "90");
        awaitLocalRate("quota", 30, providers);
        write(CONFIG + "/quota/rate", "-5");
        write(CONFIG + "/quota/burst", "0.5");
        awaitRefreshed();
        assertThat(providers).allSatisfy((p) -> assertThat(rateLimits(p).localRate("quota")).isEqualTo(30.0));
        write(CONFIG + "/quota/rate", "fast");
        write(CONFIG + "/quota/burst", "3");
        awaitRefreshed();
        assertThat(providers).allSatisfy((p) -> assertThat(rateLimits(p).localRate("quota")).isEqualTo(30.0));
        write(CONFIG + "/quota/rate", Double.toString(RATE));
        awaitLocalRate("quota", RATE / 3, providers);
    }

    @Test
    void rateReadFromAnotherPropertyIsUnlimitedWhileUnsetAndFollowsItsLiveValue() throws Exception {
        assertThat(providers).allSatisfy(
                (p) -> assertThat(rateLimits(p).localRate("stock")).isEqualTo(Double.POSITIVE_INFINITY));
        for (int i = 0; i < 20; i++) {
            assertThat(get(providers.get(0), "/stock").statusCode()).isEqualTo(200);
        }
        write(STOCK_RATE, "3");
        awaitLocalRate("stock", 1, providers);
        int rejected = 0;
        for (int i = 0; i < 20; i++) {
            HttpResponse<String> response = get(providers.get(0), "/stock");
            if (response.statusCode() == 429) {
                rejected++;
                assertThat(response.body()).contains("\"limit\":\"stock\"");
            }
        }
        assertThat(rejected).as("@RateLimited handler over its share of 1/s").isPositive();
        assertThat(get(providers.get(0), "/work-unlimited").statusCode()).isEqualTo(200);
    }

    private static ConfigurableApplicationContext provider() {
        // GET /work is the shared provider's; the endpoints below add an unlimited path and an annotated handler.
        return MeshApps.providerApp(connectString, SERVICE).with(LimitedEndpoints.class).run(
                "--meshkeeper.traffic.rate-limits.quota.path=/work",
                "--meshkeeper.traffic.rate-limits.quota.methods=GET",
                "--meshkeeper.traffic.rate-limits.stock.rate-property=stock.rate-limit");
    }

    /** Refreshes are applied one after the other: once the probe's value arrived, earlier writes were handled. */
    private static void awaitRefreshed() throws Exception {
        String generation = Integer.toString(generations.incrementAndGet());
        write("/config/" + SERVICE + "/refresh-probe", generation);
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(providers)
                .allSatisfy((p) -> assertThat(p.getEnvironment().getProperty("refresh-probe")).isEqualTo(generation)));
    }

    private static ClusterRateLimits rateLimits(ConfigurableApplicationContext provider) {
        return provider.getBean(ClusterRateLimits.class);
    }

    private static void awaitLocalRate(String limit, double expected, List<ConfigurableApplicationContext> apps) {
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertThat(apps)
                .allSatisfy((p) -> assertThat(rateLimits(p).localRate(limit))
                        .isCloseTo(expected, org.assertj.core.data.Offset.offset(0.001))));
    }

    private static HttpResponse<String> get(ConfigurableApplicationContext provider, String path) throws Exception {
        String port = provider.getEnvironment().getProperty("local.server.port");
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static void write(String path, String value) throws Exception {
        byte[] data = value.getBytes(StandardCharsets.UTF_8);
        if (curator.checkExists().forPath(path) == null) {
            curator.create().creatingParentsIfNeeded().forPath(path, data);
        }
        else {
            curator.setData().forPath(path, data);
        }
    }

    @RestController
    static class LimitedEndpoints {

        @GetMapping("/work-unlimited")
        String workUnlimited() {
            return "done";
        }

        @GetMapping("/stock")
        @RateLimited("stock")
        String stock() {
            return "in stock";
        }
    }
}
