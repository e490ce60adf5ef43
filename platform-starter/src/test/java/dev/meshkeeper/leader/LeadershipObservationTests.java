package dev.meshkeeper.leader;

import static org.awaitility.Awaitility.await;

import dev.meshkeeper.registry.junit.EmbeddedRegistry;
import dev.meshkeeper.registry.junit.RegistryHandle;
import dev.meshkeeper.zookeeper.ZooKeeperConnectionAutoConfiguration;
import io.micrometer.observation.ObservationRegistry;
import io.micrometer.observation.tck.TestObservationRegistry;
import io.micrometer.observation.tck.TestObservationRegistryAssert;
import java.time.Duration;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.RetryOneTime;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Gaining and losing the leadership of a group are {@code meshkeeper.leadership.change} observations, by group and
 * outcome; the instance id and the reason of a revocation are high-cardinality values only.
 */
@EmbeddedRegistry
@Timeout(60)
class LeadershipObservationTests {

    private static final String NAME = "meshkeeper.leadership.change";

    @Test
    void gainingAndYieldingLeadershipAreObservedWithGroupAndOutcome(RegistryHandle registry) {
        TestObservationRegistry observations = TestObservationRegistry.create();
        runner(registry).withBean(ObservationRegistry.class, () -> observations)
                .withPropertyValues("meshkeeper.leader.groups=observed-jobs", "spring.application.name=observed")
                .run(context -> {
                    ClusterLeadership leadership = context.getBean(ClusterLeadership.class);
                    await().atMost(Duration.ofSeconds(20)).until(() -> leadership.isLeader("observed-jobs"));
                    String instanceId = leadership.currentLeader("observed-jobs").orElseThrow();
                    TestObservationRegistryAssert.assertThat(observations).hasAnObservation(observation -> observation
                            .hasNameEqualTo(NAME).hasLowCardinalityKeyValue("group", "observed-jobs")
                            .hasLowCardinalityKeyValue("outcome", "granted")
                            .hasHighCardinalityKeyValue("instance.id", instanceId)
                            .doesNotHaveLowCardinalityKeyValueWithKey("instance.id"));

                    leadership.yield("observed-jobs");
                    await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> TestObservationRegistryAssert
                            .assertThat(observations).hasAnObservation(observation -> observation.hasNameEqualTo(NAME)
                                    .hasLowCardinalityKeyValue("group", "observed-jobs")
                                    .hasLowCardinalityKeyValue("outcome", "revoked")
                                    .hasHighCardinalityKeyValue("reason", "yielded")
                                    .hasHighCardinalityKeyValue("instance.id", instanceId)
                                    .doesNotHaveLowCardinalityKeyValueWithKey("reason")));
                    // The only member leads again after it yielded: a second grant.
                    await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> TestObservationRegistryAssert
                            .assertThat(observations).hasNumberOfObservationsWithNameEqualTo(NAME, 3));
                });
    }

    @Test
    void leadershipLostToAnExpiredSessionIsObservedAsRevoked(RegistryHandle registry) {
        TestObservationRegistry observations = TestObservationRegistry.create();
        runner(registry).withBean(ObservationRegistry.class, () -> observations)
                .withPropertyValues("meshkeeper.leader.groups=expiring-jobs").run(context -> {
                    ClusterLeadership leadership = context.getBean(ClusterLeadership.class);
                    await().atMost(Duration.ofSeconds(20)).until(() -> leadership.isLeader("expiring-jobs"));
                    registry.expireSession(context.getBean(CuratorFramework.class).getZookeeperClient().getZooKeeper());
                    await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> TestObservationRegistryAssert
                            .assertThat(observations).hasAnObservation(observation -> observation.hasNameEqualTo(NAME)
                                    .hasLowCardinalityKeyValue("outcome", "revoked")
                                    .hasLowCardinalityKeyValue("group", "expiring-jobs")));
                });
    }

    @Test
    void withoutAnObservationRegistryLeadershipIsNotObservedAndStillWorks(RegistryHandle registry) {
        runner(registry).withPropertyValues("meshkeeper.leader.groups=unobserved-jobs").run(context -> {
            ClusterLeadership leadership = context.getBean(ClusterLeadership.class);
            await().atMost(Duration.ofSeconds(20)).until(() -> leadership.isLeader("unobserved-jobs"));
            org.assertj.core.api.Assertions.assertThat(context).hasSingleBean(LeadershipObservations.class);
        });
    }

    private static ApplicationContextRunner runner(RegistryHandle registry) {
        return new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(ZooKeeperConnectionAutoConfiguration.class,
                        LeaderAutoConfiguration.class))
                .withBean(CuratorFramework.class, () -> {
                    CuratorFramework curator = CuratorFrameworkFactory.builder()
                            .connectString(registry.connectString()).sessionTimeoutMs(10_000)
                            .connectionTimeoutMs(3_000).retryPolicy(new RetryOneTime(100)).build();
                    curator.start();
                    return curator;
                }, definition -> definition.setDestroyMethodName("close"));
    }
}
