package dev.meshkeeper.leader;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.meshkeeper.registry.junit.EmbeddedRegistry;
import dev.meshkeeper.registry.junit.RegistryHandle;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.curator.framework.CuratorFramework;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.availability.AvailabilityChangeEvent;
import org.springframework.boot.availability.ReadinessState;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.event.EventListener;

/**
 * Three members of one leader group, each its own application and ZooKeeper session. Every member records when it
 * starts and stops acting as leader; the test reads the intervals across members.
 */
@EmbeddedRegistry(dedicated = true)
@Timeout(240)
class ClusterLeadershipFailoverTests {

    private static final Logger logger = LoggerFactory.getLogger(ClusterLeadershipFailoverTests.class);

    static final String GROUP = "jobs";

    static final Queue<Transition> LOG = new ConcurrentLinkedQueue<>();

    final List<ConfigurableApplicationContext> members = new ArrayList<>();

    @BeforeEach
    void startMembers(RegistryHandle registry) {
        LOG.clear();
        for (int i = 0; i < 3; i++) {
            this.members.add(new SpringApplicationBuilder(Member.class).web(WebApplicationType.NONE)
                    .properties("spring.application.name=leader-member", "spring.config.import=optional:zookeeper:",
                            "spring.cloud.zookeeper.connect-string=" + registry.connectString(),
                            "spring.cloud.zookeeper.discovery.enabled=false",
                            "spring.cloud.zookeeper.discovery.instance-id=member-" + i,
                            "meshkeeper.leader.groups=" + GROUP)
                    .run());
        }
    }

    @AfterEach
    void stopMembers() {
        this.members.forEach(ConfigurableApplicationContext::close);
        this.members.clear();
    }

    @Test
    void gracefulStopOfTheLeaderHandsOverToExactlyOneSuccessorWithoutOverlap() {
        ConfigurableApplicationContext leader = awaitSingleLeader();
        String leaderId = leadership(leader).currentLeader(GROUP).orElseThrow();
        // every member's watch of the latch nodes sees the leader (within milliseconds)
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> this.members
                .forEach(member -> assertThat(leadership(member).currentLeader(GROUP)).hasValue(leaderId)));
        this.members.forEach(member -> member.getBean(Job.class).run());
        this.members.forEach(member -> assertThat(member.getBean(Job.class).runs())
                .isEqualTo(member == leader ? 1 : 0));
        this.members.stream().filter(member -> member != leader).forEach(member -> assertThat(member
                .getBean(MeterRegistry.class).get("meshkeeper.leader.skipped").tag("group", GROUP).counter().count())
                .isEqualTo(1));
        assertThat(leader.getBean(MeterRegistry.class).get("meshkeeper.leader").tag("group", GROUP).gauge().value())
                .isEqualTo(1);

        leader.close();
        this.members.remove(leader);
        ConfigurableApplicationContext successor = awaitSingleLeader();
        String successorId = leadership(successor).currentLeader(GROUP).orElseThrow();
        assertThat(successorId).isNotEqualTo(leaderId);

        Intervals intervals = Intervals.of(LOG);
        logger.info("leader failover (graceful stop): {} ms from {} stepping down to {} leading; overlap {} ms",
                intervals.handOverMillis(leaderId, successorId), leaderId, successorId, intervals.overlapMillis());
        assertThat(intervals.overlapMillis()).as("time two members acted as leader at once").isZero();
    }

    @Test
    void sessionExpiryOfTheLeaderElectsExactlyOneNewLeaderAndTheOldOneStopsWhenSuspended(RegistryHandle registry)
            throws Exception {
        ConfigurableApplicationContext leader = awaitSingleLeader();
        String leaderId = leadership(leader).currentLeader(GROUP).orElseThrow();
        var zooKeeper = leader.getBean(CuratorFramework.class).getZookeeperClient().getZooKeeper();

        registry.cutConnection(zooKeeper);
        await().atMost(Duration.ofSeconds(10)).until(() -> !leadership(leader).isLeader(GROUP));
        registry.expireSession(zooKeeper);

        ConfigurableApplicationContext successor = await().atMost(Duration.ofSeconds(30))
                .until(this::singleLeader, member -> member != null && member != leader);
        String successorId = leadership(successor).currentLeader(GROUP).orElseThrow();
        assertThat(successorId).isNotEqualTo(leaderId);
        // the old leader comes back with a new session, as a follower that sees the new leader
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            assertThat(leadership(leader).isLeader(GROUP)).isFalse();
            assertThat(leadership(leader).currentLeader(GROUP)).hasValue(successorId);
            assertThat(this.members.stream().filter(member -> leadership(member).isLeader(GROUP))).hasSize(1);
        });

        Intervals intervals = Intervals.of(LOG);
        logger.info("leader failover (session expiry): {} ms from {} stepping down to {} leading; overlap {} ms",
                intervals.handOverMillis(leaderId, successorId), leaderId, successorId, intervals.overlapMillis());
        // the old leader stepped down when it saw SUSPENDED, before ZooKeeper expired its session
        assertThat(intervals.overlapMillis()).isZero();
    }

    @Test
    void aCutConnectionRevokesAtOnceAndTheSameLeaderResumesOnceItsLatchNodeIsConfirmed(RegistryHandle registry)
            throws Exception {
        ConfigurableApplicationContext leader = awaitSingleLeader();
        String leaderId = leadership(leader).currentLeader(GROUP).orElseThrow();
        int grants = (int) LOG.stream().filter(transition -> transition.leading()).count();

        registry.cutConnection(leader.getBean(CuratorFramework.class).getZookeeperClient().getZooKeeper());

        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(LOG)
                .anySatisfy(transition -> assertThat(transition).isEqualTo(new Transition(leaderId, false,
                        transition.at()))));
        // same session: the latch node survived, so the same member leads again, after confirming it
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            assertThat(leadership(leader).isLeader(GROUP)).isTrue();
            assertThat(LOG.stream().filter(transition -> transition.leading())).hasSize(grants + 1);
        });
        assertThat(this.members.stream().filter(member -> leadership(member).isLeader(GROUP))).hasSize(1);
        assertThat(Intervals.of(LOG).overlapMillis()).isZero();
    }

    @Test
    void leaderOnlyJoinsAnUnconfiguredGroupOnFirstUseAndRunsOnExactlyOneMember() {
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            this.members.forEach(member -> member.getBean(Job.class).adhoc());
            assertThat(this.members.stream().filter(member -> member.getBean(Job.class).adhocRuns() > 0))
                    .hasSize(1);
        });
        this.members.forEach(member -> assertThat(leadership(member).groups()).contains("adhoc"));
        ConfigurableApplicationContext runner = this.members.stream()
                .filter(member -> member.getBean(Job.class).adhocRuns() > 0).findFirst().orElseThrow();
        assertThat(leadership(runner).isLeader("adhoc")).isTrue();
    }

    @Test
    void aLeaderThatYieldsOrStopsBeingReadyHandsOverAndRejoinsAtTheBack(RegistryHandle registry) throws Exception {
        ConfigurableApplicationContext first = awaitSingleLeader();
        // Every member has joined the queue before the leader yields, so the leader rejoins behind both others.
        CuratorFramework observer = first.getBean(CuratorFramework.class);
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(
                observer.getChildren().forPath("/meshkeeper/leaders/" + GROUP)).hasSize(3));
        leadership(first).yield(GROUP);
        ConfigurableApplicationContext second = await().atMost(Duration.ofSeconds(30)).until(this::singleLeader,
                member -> member != null && member != first);

        AvailabilityChangeEvent.publish(second, ReadinessState.REFUSING_TRAFFIC);
        ConfigurableApplicationContext third = await().atMost(Duration.ofSeconds(30)).until(this::singleLeader,
                member -> member != null && member != second);
        assertThat(third).isNotSameAs(first);
        CuratorFramework curator = third.getBean(CuratorFramework.class);
        assertThat(curator.getChildren().forPath("/meshkeeper/leaders/" + GROUP)).hasSize(2);

        AvailabilityChangeEvent.publish(second, ReadinessState.ACCEPTING_TRAFFIC);
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(
                curator.getChildren().forPath("/meshkeeper/leaders/" + GROUP)).hasSize(3));
        assertThat(leadership(third).isLeader(GROUP)).isTrue();
        assertThat(Intervals.of(LOG).overlapMillis()).isZero();
        @SuppressWarnings("unchecked")
        Map<String, Map<String, Object>> section = (Map<String, Map<String, Object>>) third
                .getBean(LeadershipEndpointContributor.class).describe();
        assertThat(section.get(GROUP)).containsEntry("leader", true).containsEntry("currentLeader",
                leadership(third).currentLeader(GROUP).orElseThrow());
    }

    private ConfigurableApplicationContext awaitSingleLeader() {
        return await().atMost(Duration.ofSeconds(30)).until(this::singleLeader, member -> member != null);
    }

    private ConfigurableApplicationContext singleLeader() {
        List<ConfigurableApplicationContext> leaders = this.members.stream()
                .filter(member -> member.isActive() && leadership(member).isLeader(GROUP)).toList();
        return (leaders.size() == 1) ? leaders.get(0) : null;
    }

    private static ClusterLeadership leadership(ConfigurableApplicationContext member) {
        return member.getBean(ClusterLeadership.class);
    }

    record Transition(String instance, boolean leading, long at) {
    }

    /** "I am leader" intervals per member, from the transition log. */
    record Intervals(List<long[]> spans, List<String> owners) {

        static Intervals of(Queue<Transition> log) {
            List<long[]> spans = new ArrayList<>();
            List<String> owners = new ArrayList<>();
            Map<String, Long> open = new java.util.HashMap<>();
            for (Transition transition : log) {
                if (transition.leading()) {
                    open.put(transition.instance(), transition.at());
                }
                else if (open.containsKey(transition.instance())) {
                    spans.add(new long[] { open.remove(transition.instance()), transition.at() });
                    owners.add(transition.instance());
                }
            }
            open.forEach((instance, start) -> {
                spans.add(new long[] { start, Long.MAX_VALUE });
                owners.add(instance);
            });
            return new Intervals(spans, owners);
        }

        long overlapMillis() {
            long overlap = 0;
            for (int i = 0; i < this.spans.size(); i++) {
                for (int j = i + 1; j < this.spans.size(); j++) {
                    if (this.owners.get(i).equals(this.owners.get(j))) {
                        continue;
                    }
                    long from = Math.max(this.spans.get(i)[0], this.spans.get(j)[0]);
                    long to = Math.min(this.spans.get(i)[1], this.spans.get(j)[1]);
                    overlap += Math.max(0, to - from);
                }
            }
            return Duration.ofNanos(overlap).toMillis();
        }

        long handOverMillis(String from, String to) {
            long end = 0;
            long start = 0;
            for (int i = 0; i < this.spans.size(); i++) {
                if (this.owners.get(i).equals(from)) {
                    end = Math.max(end, this.spans.get(i)[1]);
                }
                if (this.owners.get(i).equals(to)) {
                    start = this.spans.get(i)[0];
                }
            }
            return Duration.ofNanos(start - end).toMillis();
        }
    }

    @Configuration(proxyBeanMethods = false)
    @EnableAutoConfiguration
    static class Member {

        @Bean
        Job job() {
            return new Job();
        }

        @Bean
        Recorder recorder() {
            return new Recorder();
        }
    }

    static class Job {

        final AtomicInteger runs = new AtomicInteger();

        final AtomicInteger adhocRuns = new AtomicInteger();

        @LeaderOnly(GROUP)
        public void run() {
            this.runs.incrementAndGet();
        }

        public int runs() {
            return this.runs.get();
        }

        @LeaderOnly("adhoc")
        public void adhoc() {
            this.adhocRuns.incrementAndGet();
        }

        public int adhocRuns() {
            return this.adhocRuns.get();
        }
    }

    static class Recorder {

        @EventListener
        void granted(LeadershipGrantedEvent event) {
            LOG.add(new Transition(event.getInstanceId(), true, System.nanoTime()));
        }

        @EventListener
        void revoked(LeadershipRevokedEvent event) {
            LOG.add(new Transition(event.getInstanceId(), false, System.nanoTime()));
        }
    }
}
