package dev.meshkeeper.ensemble;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.meshkeeper.discovery.WatchedInstances;
import dev.meshkeeper.leader.ClusterLeadership;
import dev.meshkeeper.registry.junit.EmbeddedRegistry;
import dev.meshkeeper.registry.junit.RegistryHandle;
import dev.meshkeeper.testapps.MeshApps;
import dev.meshkeeper.zookeeper.ZooKeeperConnectionMonitor;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationHandler;
import io.micrometer.observation.ObservationRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * What the {@code meshkeeper.leadership.change} and {@code meshkeeper.discovery.change} observations record while
 * the registry is stopped and once it is back. While it is away: the leader's revocation when its connection is
 * suspended (one, reason {@code suspended}, also when the session is then lost) and no discovery change, since the
 * watched instances keep their last content. Once it is back: the grant when the instance leads again, and for a
 * provider whose registration outlasted the outage at most one {@code removed} followed by one {@code added}: Curator's
 * {@code ServiceDiscovery} registers again on reconnect by deleting and re-creating the node, and the consumer's
 * cache sees both.
 * <p>
 * Two outages: one shorter than the consumer's session (it reconnects to the same session), one past it (the
 * consumer sees LOST and comes back on a new session). The providers' sessions (10 s) outlast both.
 */
@EmbeddedRegistry(dedicated = true)
@Timeout(150)
class ObservationsDuringOutageTests {

    private static final Logger logger = LoggerFactory.getLogger(ObservationsDuringOutageTests.class);

    private static final String SERVICE = "observed-outage-provider";

    private static final String GROUP = "observed-outage-jobs";

    private static final String LEADERSHIP = "meshkeeper.leadership.change";

    private static final String DISCOVERY = "meshkeeper.discovery.change";

    /** How long nothing more may be recorded, during a long outage and after each return. */
    private static final Duration HELD = Duration.ofSeconds(3);

    /** How long a short outage is held once the consumer saw it: well within the consumer's session (8 s). */
    private static final Duration HELD_SHORT = Duration.ofSeconds(1);

    private static final List<ConfigurableApplicationContext> apps = new ArrayList<>();

    private static ConfigurableApplicationContext consumer;

    private static Recorded observations;

    private static Set<String> providerIds;

    @BeforeAll
    static void startApplications(RegistryHandle registry) {
        for (int i = 0; i < 2; i++) {
            apps.add(MeshApps.provider(registry.connectString(), SERVICE,
                    "spring.cloud.zookeeper.session-timeout=10s"));
        }
        providerIds = Set.of(MeshApps.instanceId(apps.get(0)), MeshApps.instanceId(apps.get(1)));
        consumer = MeshApps.consumerApp(registry.connectString(), "observed-outage-consumer")
                .with(ObservedConsumer.class)
                .properties("meshkeeper.leader.groups=" + GROUP, "spring.cloud.zookeeper.session-timeout=8s",
                        "spring.cloud.zookeeper.connection-timeout=1s")
                .run();
        apps.add(consumer);
        observations = consumer.getBean(Recorded.class);
        WatchedInstances instances = consumer.getBean(WatchedInstances.class);
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            assertThat(instances.instances(SERVICE)).hasSize(2);
            assertThat(consumer.getBean(ClusterLeadership.class).isLeader(GROUP)).isTrue();
        });
    }

    @AfterAll
    static void stopApplications() {
        for (int i = apps.size() - 1; i >= 0; i--) {
            apps.get(i).close();
        }
    }

    @BeforeEach
    void leadingWithBothProvidersWatched() {
        WatchedInstances instances = consumer.getBean(WatchedInstances.class);
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            assertThat(consumer.getBean(ZooKeeperConnectionMonitor.class).isConnected()).isTrue();
            assertThat(consumer.getBean(ClusterLeadership.class).isLeader(GROUP)).isTrue();
            assertThat(instances.instances(SERVICE)).hasSize(2);
        });
        observations.stopped.clear();
    }

    @Test
    void aStopShorterThanTheSessionRecordsOneRevocationThenOneGrantAndAtMostTheProvidersReRegistering(
            RegistryHandle registry) {
        outage(registry, false);
    }

    @Test
    void aStopPastTheSessionRecordsOneRevocationThenOneGrantAndAtMostTheProvidersReRegistering(
            RegistryHandle registry) {
        outage(registry, true);
    }

    private void outage(RegistryHandle registry, boolean pastTheSession) {
        ZooKeeperConnectionMonitor monitor = consumer.getBean(ZooKeeperConnectionMonitor.class);
        ClusterLeadership leadership = consumer.getBean(ClusterLeadership.class);
        long lossesBefore = monitor.losses();
        registry.stop();
        try {
            await().atMost(Duration.ofSeconds(15)).until(() -> !monitor.isConnected());
            await().atMost(Duration.ofSeconds(10)).until(() -> count(revoked("suspended")) == 1);
            if (pastTheSession) {
                await().atMost(Duration.ofSeconds(30)).until(() -> monitor.losses() > lossesBefore);
            }
            // Nothing more is recorded for as long as the outage is held.
            Duration held = pastTheSession ? HELD : HELD_SHORT;
            await().during(held).atMost(held.plusSeconds(5)).untilAsserted(() -> {
                assertThat(count(LEADERSHIP)).as("leadership changes during the outage: %s", describe()).isEqualTo(1);
                assertThat(count(DISCOVERY)).as("discovery changes during the outage: %s", describe()).isZero();
            });
            logger.info("Observed while the registry was stopped: {}", describe());
            assertThat(leadership.isLeader(GROUP)).isFalse();
        }
        finally {
            registry.start();
        }
        await().atMost(Duration.ofSeconds(45)).until(() -> monitor.isConnected() && leadership.isLeader(GROUP));
        await().atMost(Duration.ofSeconds(10)).until(() -> count(granted()) == 1);
        // And, for as long again after the return: the grant, and for each provider at most its re-registration.
        await().during(HELD).atMost(HELD.plusSeconds(10)).untilAsserted(() -> {
            assertThat(count(LEADERSHIP)).as("the revocation and the grant: %s", describe()).isEqualTo(2);
            assertThat(discoveryKindsByInstance()).as("discovery changes after the return: %s", describe())
                    .allSatisfy((id, kinds) -> assertThat(providerIds).contains(id))
                    .allSatisfy((id, kinds) -> assertThat(kinds).containsExactly("removed", "added"));
        });
        logger.info("Observed until after the registry returned: {}", describe());
        assertThat(consumer.getBean(WatchedInstances.class).instances(SERVICE)).hasSize(2);
        assertThat(monitor.losses() > lossesBefore).as("the session was lost").isEqualTo(pastTheSession);
    }

    private static Predicate<Observation.Context> revoked(String reason) {
        return (observed) -> LEADERSHIP.equals(observed.getName())
                && "revoked".equals(value(observed, "outcome"))
                && reason.equals(value(observed, "reason"));
    }

    private static Predicate<Observation.Context> granted() {
        return (observed) -> LEADERSHIP.equals(observed.getName())
                && "granted".equals(value(observed, "outcome"));
    }

    /** The kinds of the discovery changes observed, in order, by instance id. */
    private static Map<String, List<String>> discoveryKindsByInstance() {
        Map<String, List<String>> kinds = new TreeMap<>();
        observations.stopped.stream().filter((observed) -> DISCOVERY.equals(observed.getName())).forEach(
                (observed) -> kinds.computeIfAbsent(value(observed, "instance.id"), (id) -> new ArrayList<>())
                        .add(value(observed, "kind")));
        return kinds;
    }

    private static long count(String name) {
        return count((observed) -> name.equals(observed.getName()));
    }

    private static long count(Predicate<Observation.Context> matching) {
        return observations.stopped.stream().filter(matching).count();
    }

    private static String value(Observation.Context observed, String key) {
        var keyValue = observed.getAllKeyValues().stream().filter((kv) -> kv.getKey().equals(key))
                .findFirst();
        return keyValue.map((kv) -> kv.getValue()).orElse(null);
    }

    private static List<String> describe() {
        return observations.stopped.stream().map((observed) -> observed.getName() + " "
                + observed.getAllKeyValues()).toList();
    }

    /**
     * Keeps every observation the consumer stops, for the test to read. Not a handler bean itself, which Spring Boot
     * would add to the registry a second time.
     */
    static final class Recorded {

        final List<Observation.Context> stopped = new CopyOnWriteArrayList<>();

        ObservationHandler<Observation.Context> handler() {
            return new ObservationHandler<>() {

                @Override
                public void onStop(Observation.Context context) {
                    Recorded.this.stopped.add(context);
                }

                @Override
                public boolean supportsContext(Observation.Context context) {
                    return true;
                }
            };
        }
    }

    /** The consumer's observation registry, recording. */
    @Configuration(proxyBeanMethods = false)
    static class ObservedConsumer {

        @Bean
        Recorded recordedObservations() {
            return new Recorded();
        }

        @Bean
        ObservationRegistry observationRegistry(Recorded recorded) {
            ObservationRegistry registry = ObservationRegistry.create();
            registry.observationConfig().observationHandler(recorded.handler());
            return registry;
        }
    }
}
