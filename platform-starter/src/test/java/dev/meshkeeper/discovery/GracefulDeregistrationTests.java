package dev.meshkeeper.discovery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.meshkeeper.registry.junit.EmbeddedRegistry;
import dev.meshkeeper.registry.junit.RegistryHandle;
import dev.meshkeeper.testapps.MeshApps;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.framework.recipes.cache.CuratorCache;
import org.apache.curator.framework.recipes.cache.CuratorCacheListener;
import org.apache.curator.retry.RetryOneTime;
import org.apache.curator.x.discovery.details.JsonInstanceSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.boot.web.server.context.WebServerGracefulShutdownLifecycle;
import org.springframework.cloud.loadbalancer.core.ServiceInstanceListSupplier;
import org.springframework.cloud.loadbalancer.support.LoadBalancerClientFactory;
import org.springframework.cloud.zookeeper.discovery.ZookeeperInstance;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.web.client.RestClient;

@EmbeddedRegistry
@Timeout(240)
class GracefulDeregistrationTests {

    private final List<ConfigurableApplicationContext> contexts = new CopyOnWriteArrayList<>();

    @AfterEach
    void closeApps() {
        this.contexts.forEach(ConfigurableApplicationContext::close);
    }

    @Test
    void drainingStopsBeforeTheWebServerGracefulShutdown() {
        assertThat(GracefulDeregistration.PHASE).isGreaterThan(WebServerGracefulShutdownLifecycle.SMART_LIFECYCLE_PHASE);
    }

    @Test
    void closingOneOfTwoProvidersUnderASteadyRequestStreamFailsNoRequest(RegistryHandle registry) throws Exception {
        String service = "steady-provider";
        ConfigurableApplicationContext first = start(MeshApps.provider(registry.connectString(), service));
        ConfigurableApplicationContext second = start(MeshApps.provider(registry.connectString(), service));
        ConfigurableApplicationContext consumer = start(MeshApps.consumer(registry.connectString(), "steady-consumer"));
        String firstId = MeshApps.instanceId(first);
        String secondId = MeshApps.instanceId(second);

        ServiceInstanceListSupplier supplier = consumer.getBean(LoadBalancerClientFactory.class)
                .getInstance(service, ServiceInstanceListSupplier.class);
        assertThat(supplier).isInstanceOf(WatchedInstanceListSupplier.class);

        RestClient client = consumer.getBean(RestClient.Builder.class).build();
        Map<String, AtomicLong> served = new ConcurrentHashMap<>();
        List<Throwable> failures = new CopyOnWriteArrayList<>();
        AtomicBoolean sending = new AtomicBoolean(true);
        AtomicLong sent = new AtomicLong();
        ExecutorService senderThreads = Executors.newFixedThreadPool(2);
        List<CompletableFuture<Void>> senders = List.of(1, 2).stream().map(n -> CompletableFuture.runAsync(() -> {
            while (sending.get()) {
                try {
                    String by = client.get().uri("http://" + service + "/whoami?workMillis=20").retrieve()
                            .body(String.class);
                    served.computeIfAbsent(by, id -> new AtomicLong()).incrementAndGet();
                }
                catch (RuntimeException ex) {
                    failures.add(ex);
                }
                sent.incrementAndGet();
                // A steady stream, paced so two cores also serve the applications under test.
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
            }
        }, senderThreads)).toList();

        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
            assertThat(served.getOrDefault(firstId, new AtomicLong()).get()).isGreaterThan(10);
            assertThat(served.getOrDefault(secondId, new AtomicLong()).get()).isGreaterThan(10);
        });

        first.close();
        long firstServedAtClose = served.get(firstId).get();
        long sentAtClose = sent.get();
        await().atMost(Duration.ofSeconds(60)).until(() -> sent.get() > sentAtClose + 50);
        sending.set(false);
        CompletableFuture.allOf(senders.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);
        senderThreads.shutdown();

        assertThat(failures).as("failed requests").isEmpty();
        assertThat(served.get(firstId).get()).isEqualTo(firstServedAtClose);
        assertThat(served.get(secondId).get()).isGreaterThan(10);
    }

    @Test
    void aRequestInFlightCompletesAndTheInstanceIsOutOfServiceBeforeItsNodeIsRemoved(RegistryHandle registry)
            throws Exception {
        String service = "draining-provider";
        ConfigurableApplicationContext provider = start(MeshApps.provider(registry.connectString(), service,
                "meshkeeper.discovery.drain-timeout=20s"));
        String id = MeshApps.instanceId(provider);
        int port = ((WebServerApplicationContext) provider).getWebServer().getPort();
        List<String> observed = new CopyOnWriteArrayList<>();
        JsonInstanceSerializer<ZookeeperInstance> serializer = new JsonInstanceSerializer<>(ZookeeperInstance.class);
        try (CuratorFramework curator = CuratorFrameworkFactory.newClient(registry.connectString(),
                new RetryOneTime(100))) {
            curator.start();
            CuratorCache cache = CuratorCache.build(curator, "/services/" + service + "/" + id);
            cache.listenable().addListener(CuratorCacheListener.builder().forAll((type, oldData, data) -> {
                if (data != null) {
                    observed.add(statusOf(serializer, data.getData()));
                }
                else {
                    observed.add("REMOVED");
                }
            }).build());
            cache.start();
            await().atMost(Duration.ofSeconds(20)).until(() -> observed.contains("UP"));

            RestClient direct = RestClient.create("http://127.0.0.1:" + port);
            CompletableFuture<String> slow = CompletableFuture.supplyAsync(
                    () -> direct.get().uri("/whoami?workMillis=3000").retrieve().body(String.class));
            await().atMost(Duration.ofSeconds(20))
                    .until(() -> provider.getBean(InFlightRequests.class).current() == 1);

            provider.close();

            assertThat(slow.get(10, TimeUnit.SECONDS)).isEqualTo(id);
            await().atMost(Duration.ofSeconds(10)).until(() -> observed.contains("REMOVED"));
            assertThat(observed).containsSubsequence("UP", "OUT_OF_SERVICE", "REMOVED");
            cache.close();
        }
    }

    private static String statusOf(JsonInstanceSerializer<ZookeeperInstance> serializer, byte[] data) {
        try {
            return serializer.deserialize(data).getPayload().getMetadata().get(WatchedInstances.STATUS_KEY);
        }
        catch (Exception ex) {
            return "UNREADABLE";
        }
    }

    private ConfigurableApplicationContext start(ConfigurableApplicationContext context) {
        this.contexts.add(context);
        return context;
    }
}
