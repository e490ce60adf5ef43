package dev.meshkeeper.ensemble;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.meshkeeper.discovery.WatchedInstances;
import dev.meshkeeper.registry.junit.EmbeddedRegistry;
import dev.meshkeeper.registry.junit.RegistryHandle;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.curator.framework.CuratorFramework;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.web.client.RestClient;

/**
 * A provider whose ZooKeeper session expires stays alive and registers again: ZooKeeper deleted its node at the
 * expiry and Curator's {@code ServiceDiscovery} creates it again once the provider has a new session. Consumers call
 * it through the balancer all along; not one request may fail, neither for a service with a second instance nor for
 * a service whose only instance is re-registering (there the consumer's list must never become empty).
 */
@EmbeddedRegistry
@Timeout(120)
class ProviderSessionExpiryTests {

    private static final Logger logger = LoggerFactory.getLogger(ProviderSessionExpiryTests.class);

    private static final String PAIR = "expiry-pair-provider";

    private static final String SOLE = "expiry-sole-provider";

    private static final List<ConfigurableApplicationContext> apps = new ArrayList<>();

    private static final Map<String, AtomicInteger> smallestNotifiedList = new ConcurrentHashMap<>();

    private static ConfigurableApplicationContext firstOfPair;

    private static ConfigurableApplicationContext sole;

    private static Set<String> pairIds;

    private static String soleId;

    private static RequestLoop pairRequests;

    private static RequestLoop soleRequests;

    @BeforeAll
    static void startApplications(RegistryHandle registry) {
        String[] client = { "spring.cloud.zookeeper.session-timeout=10s" };
        firstOfPair = EnsembleApps.provider(registry.connectString(), PAIR, client);
        apps.add(firstOfPair);
        ConfigurableApplicationContext secondOfPair = EnsembleApps.provider(registry.connectString(), PAIR, client);
        apps.add(secondOfPair);
        sole = EnsembleApps.provider(registry.connectString(), SOLE, client);
        apps.add(sole);
        pairIds = Set.of(whoAmI(firstOfPair), whoAmI(secondOfPair));
        soleId = whoAmI(sole);
        ConfigurableApplicationContext consumer = EnsembleApps.consumer(registry.connectString(), "expiry-consumer",
                client);
        apps.add(consumer);
        WatchedInstances instances = consumer.getBean(WatchedInstances.class);
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
            assertThat(instances.instances(PAIR)).hasSize(2);
            assertThat(instances.instances(SOLE)).hasSize(1);
        });
        instances.addListener((service, current) -> smallestNotifiedList
                .computeIfAbsent(service, (key) -> new AtomicInteger(Integer.MAX_VALUE))
                .accumulateAndGet((int) current.stream().filter(WatchedInstances::isUp).count(), Math::min));
        RestClient rest = consumer.getBean(RestClient.Builder.class).build();
        pairRequests = new RequestLoop("expiry-pair-requests",
                () -> rest.get().uri("http://" + PAIR + "/whoami").retrieve().body(String.class),
                Duration.ofMillis(5));
        soleRequests = new RequestLoop("expiry-sole-requests",
                () -> rest.get().uri("http://" + SOLE + "/whoami").retrieve().body(String.class),
                Duration.ofMillis(5));
        pairRequests.phase("steady");
        soleRequests.phase("steady");
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
            assertThat(pairRequests.answersIn("steady")).containsOnlyKeys(pairIds);
            assertThat(soleRequests.answersIn("steady")).containsOnlyKeys(soleId);
        });
    }

    @AfterAll
    static void stopApplications() throws Exception {
        for (RequestLoop loop : new RequestLoop[] { pairRequests, soleRequests }) {
            if (loop != null) {
                loop.close();
            }
        }
        for (int i = apps.size() - 1; i >= 0; i--) {
            apps.get(i).close();
        }
    }

    @Test
    void providerReRegisteringAfterItsSessionExpiredFailsNoRequestWhileAnotherInstanceServes(
            RegistryHandle registry) throws Exception {
        String phase = "pair member expired";
        pairRequests.phase(phase);
        expireAndAwaitReRegistration(registry, firstOfPair, PAIR);
        await().atMost(Duration.ofSeconds(15))
                .untilAsserted(() -> assertThat(pairRequests.answersIn(phase)).containsOnlyKeys(pairIds));
        assertThat(pairRequests.failuresIn(phase)).as("failed requests").isEmpty();
        logger.info("EXPIRY-FIGURE two instances, one re-registering: answers " + pairRequests.answersIn(phase)
                + ", failed " + pairRequests.failuresIn(phase).size() + ", smallest UP list notified "
                + smallestNotifiedList.get(PAIR));
    }

    @Test
    void soleInstanceReRegisteringAfterItsSessionExpiredNeverLeavesTheConsumerWithoutInstances(
            RegistryHandle registry) throws Exception {
        String phase = "sole instance expired";
        soleRequests.phase(phase);
        expireAndAwaitReRegistration(registry, sole, SOLE);
        await().atMost(Duration.ofSeconds(15))
                .untilAsserted(() -> assertThat(soleRequests.answersIn(phase)).containsOnlyKeys(soleId));
        logger.info("EXPIRY-FIGURE one instance, re-registering: answers " + soleRequests.answersIn(phase)
                + ", failed " + soleRequests.failuresIn(phase).size() + ", smallest UP list notified " + smallestNotifiedList.get(SOLE));
        assertThat(smallestNotifiedList.get(SOLE)).as("smallest UP instance list notified for " + SOLE)
                .hasValueGreaterThanOrEqualTo(1);
        assertThat(soleRequests.failuresIn(phase)).as("failed requests").isEmpty();
    }

    private static void expireAndAwaitReRegistration(RegistryHandle registry, ConfigurableApplicationContext provider,
            String service) throws Exception {
        CuratorFramework curator = provider.getBean(CuratorFramework.class);
        long sessionBefore = curator.getZookeeperClient().getZooKeeper().getSessionId();
        String path = "/services/" + service + "/" + whoAmI(provider);
        long expiredAt = System.nanoTime();
        registry.expireSession(curator.getZookeeperClient().getZooKeeper());
        await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(20)).untilAsserted(() -> {
            long session = curator.getZookeeperClient().getZooKeeper().getSessionId();
            assertThat(session).as("provider's new session").isNotIn(0L, sessionBefore);
            assertThat(curator.checkExists().forPath(path)).as("registration " + path).isNotNull()
                    .satisfies(stat -> assertThat(stat.getEphemeralOwner()).isEqualTo(session));
        });
        logger.info("EXPIRY-FIGURE " + service + " registered again with a new session "
                + Duration.ofNanos(System.nanoTime() - expiredAt).toMillis() + " ms after the expiry");
    }

    private static String whoAmI(ConfigurableApplicationContext provider) {
        return provider.getBean(EnsembleApps.WhoAmI.class).whoAmI();
    }
}
