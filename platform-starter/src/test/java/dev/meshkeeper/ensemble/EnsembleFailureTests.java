package dev.meshkeeper.ensemble;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.meshkeeper.leader.ClusterLeadership;
import dev.meshkeeper.lock.DistributedLocks;
import dev.meshkeeper.lock.LockLease;
import dev.meshkeeper.registry.junit.FreePorts;
import dev.meshkeeper.registry.server.EnsembleMember;
import dev.meshkeeper.registry.server.ServerRole;
import dev.meshkeeper.zookeeper.ZooKeeperConnectionMonitor;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.RetryForever;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.web.client.RestClient;

/**
 * Three real ZooKeeper quorum peers (registry servers), each in a JVM process of its own on loopback, two provider
 * applications and a consumer attached with the full connect string. Members are killed with SIGKILL and started
 * again while a steady stream of load-balanced requests runs, the consumer takes locks, leads a group and reads live
 * configuration. The peers' output goes to {@code target/ensemble-peers/peer-<id>.log}.
 * <p>
 * What is asserted about requests: not one request of the stream fails in any phase (including the moments when
 * the clients are reconnecting or have no quorum at all), and both providers keep answering in every phase. The peers
 * and applications are started once for the class; every test starts from a whole ensemble (three peers serving
 * with a quorum, the consumer connected and leading its group) and leaves one, so the tests run in any order.
 */
@Timeout(240)
class EnsembleFailureTests {

    private static final Logger logger = LoggerFactory.getLogger(EnsembleFailureTests.class);

    private static final String SERVICE = "ensemble-provider";

    private static final String CONSUMER = "ensemble-consumer";

    private static final String LOCK = "ensemble-lock";

    private static final String GROUP = "ensemble-group";

    private static final String GREETING_PATH = "/config/" + CONSUMER + "/ensemble.greeting";

    private static Path dataDir;

    private static final List<PeerProcess> members = new ArrayList<>();

    private static final List<ConfigurableApplicationContext> apps = new ArrayList<>();

    private static String connectString;

    private static CuratorFramework operator;

    private static ConfigurableApplicationContext consumer;

    private static Set<String> providerIds;

    private static RequestLoop requests;

    private static long lastToken;

    @BeforeAll
    static void startEnsembleAndApplications() throws Exception {
        dataDir = Files.createTempDirectory("meshkeeper-ensemble");
        Path logs = Path.of("target", "ensemble-peers");
        int[] ports = FreePorts.take(9);
        List<EnsembleMember> ensemble = new ArrayList<>();
        for (int id = 1; id <= 3; id++) {
            int base = (id - 1) * 3;
            ensemble.add(new EnsembleMember(id, "127.0.0.1", ports[base], ports[base + 1], ports[base + 2]));
        }
        for (EnsembleMember me : ensemble) {
            Path log = logs.resolve("peer-" + me.id() + ".log");
            Files.deleteIfExists(log);
            members.add(new PeerProcess(me, ensemble, dataDir.resolve("member-" + me.id()), log));
        }
        long startedAt = System.nanoTime();
        List<Long> launched = members.stream().map(PeerProcess::launch).toList();
        for (int i = 0; i < members.size(); i++) {
            members.get(i).awaitReady(launched.get(i));
        }
        awaitQuorum();
        figure("three peer processes started and formed a quorum", startedAt);
        connectString = ensemble.stream().map(member -> "127.0.0.1:" + member.clientPort())
                .collect(Collectors.joining(","));
        // spring.config.import=zookeeper: is resolved before any context customizer: it reads the system property.
        System.setProperty("spring.cloud.zookeeper.connect-string", connectString);

        operator = CuratorFrameworkFactory.newClient(connectString, 20_000, 5_000, new RetryForever(100));
        operator.start();
        operator.blockUntilConnected();
        operator.create().creatingParentsIfNeeded().forPath(GREETING_PATH, bytes("v1"));

        String[] client = { "spring.cloud.zookeeper.session-timeout=20s",
                "spring.cloud.zookeeper.connection-timeout=5s" };
        ConfigurableApplicationContext first = EnsembleApps.provider(connectString, SERVICE, client);
        apps.add(first);
        ConfigurableApplicationContext second = EnsembleApps.provider(connectString, SERVICE, client);
        apps.add(second);
        providerIds = Set.of(first.getBean(EnsembleApps.WhoAmI.class).whoAmI(),
                second.getBean(EnsembleApps.WhoAmI.class).whoAmI());
        consumer = EnsembleApps.consumer(connectString, CONSUMER, client);
        apps.add(consumer);
        consumer.getBean(ClusterLeadership.class).join(GROUP);
        await().atMost(Duration.ofSeconds(20))
                .untilAsserted(() -> assertThat(consumer.getBean(ClusterLeadership.class).isLeader(GROUP)).isTrue());
        assertThat(greeting()).isEqualTo("v1");

        RestClient rest = consumer.getBean(RestClient.Builder.class).build();
        requests = new RequestLoop("ensemble-requests",
                () -> rest.get().uri("http://" + SERVICE + "/whoami").retrieve().body(String.class),
                Duration.ofMillis(20));
        requests.phase("all members up");
        await().atMost(Duration.ofSeconds(20))
                .untilAsserted(() -> assertThat(requests.answersIn("all members up")).containsOnlyKeys(providerIds));
        lastToken = lockAndRelease();
    }

    @AfterAll
    static void stopEverything() throws Exception {
        try {
            if (requests != null) {
                requests.close();
            }
            for (int i = apps.size() - 1; i >= 0; i--) {
                apps.get(i).close();
            }
            if (operator != null) {
                operator.close();
            }
        }
        finally {
            // Peer processes never outlive the test class, whatever failed above.
            members.forEach(PeerProcess::kill);
            System.clearProperty("spring.cloud.zookeeper.connect-string");
            if (dataDir != null) {
                try (Stream<Path> files = Files.walk(dataDir)) {
                    files.sorted(Comparator.reverseOrder()).forEach(file -> file.toFile().delete());
                }
            }
        }
    }

    /** Whatever an earlier test left behind: every peer runs, a quorum serves, the consumer is connected and leads. */
    @BeforeEach
    void ensembleIsWhole() {
        for (PeerProcess member : members) {
            if (!member.isRunning()) {
                member.awaitReady(member.launch());
            }
        }
        awaitQuorum();
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            assertThat(members).allSatisfy(member -> assertThat(member.serving()).isTrue());
            assertThat(consumer.getBean(ZooKeeperConnectionMonitor.class).isConnected()).isTrue();
            assertThat(consumer.getBean(ClusterLeadership.class).isLeader(GROUP)).isTrue();
        });
    }

    /** Not one request of the stream failed, whichever tests ran and in whichever order. */
    @AfterEach
    void noRequestOfTheStreamFailed() {
        assertThat(requests.failures()).as("failed requests over the whole run").isEmpty();
        logger.info("ENSEMBLE-FIGURE requests sent {}, failed {}", requests.requests(), requests.failures().size());
    }

    @Test
    void losingAFollowerKeepsDiscoveryConfigAndLocksWorkingWithoutOneFailedRequest() throws Exception {
        PeerProcess follower = consumerMemberIf(ServerRole.FOLLOWER).orElseGet(() -> withRole(ServerRole.FOLLOWER));
        survivesLosing(follower, "follower killed", "v2");
    }

    @Test
    void losingTheLeaderKeepsDiscoveryConfigAndLocksWorkingWithoutOneFailedRequest() throws Exception {
        survivesLosing(withRole(ServerRole.LEADER), "leader killed", "v3");
    }

    @Test
    void losingTwoOfThreeFailsLocksAndLeadershipClosedWhileDiscoveryKeepsServingAndAllWorksAsBeforeOnceItReturns()
            throws Exception {
        String phase = "quorum lost";
        EnsembleApps.Revocations revocations = consumer.getBean(EnsembleApps.Revocations.class);
        int revokedBefore = revocations.events.size();
        requests.phase(phase);
        PeerProcess leader = withRole(ServerRole.LEADER);
        PeerProcess follower = withRole(ServerRole.FOLLOWER);
        long stoppedAt = System.nanoTime();
        leader.kill();
        follower.kill();
        await().atMost(Duration.ofSeconds(15))
                .untilAsserted(() -> assertThat(members).noneSatisfy(member -> assertThat(member.serving()).isTrue()));
        figure("the surviving peer stopped serving", stoppedAt);

        ClusterLeadership leadership = consumer.getBean(ClusterLeadership.class);
        await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> {
            assertThat(leadership.isLeader(GROUP)).isFalse();
            assertThat(revocations.events.subList(revokedBefore, revocations.events.size()))
                    .anySatisfy(event -> assertThat(event.getGroup()).isEqualTo(GROUP));
        });
        figure("leadership revoked after losing quorum", stoppedAt);

        DistributedLocks locks = consumer.getBean(DistributedLocks.class);
        long asked = System.nanoTime();
        Optional<LockLease> lease = locks.mutex(LOCK).tryAcquire(Duration.ofMillis(500));
        Duration took = Duration.ofNanos(System.nanoTime() - asked);
        lease.ifPresent(LockLease::close);
        assertThat(lease).as("a lock granted without a quorum").isEmpty();
        assertThat(took).as("tryAcquire without a quorum does not hang").isLessThan(Duration.ofSeconds(10));
        logger.info("ENSEMBLE-FIGURE tryAcquire(500ms) without quorum returned empty in {} ms", took.toMillis());

        // Static stability: the requests keep reaching both providers from the last known instances.
        long before = requests.requests();
        await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> {
            assertThat(requests.requests() - before).isGreaterThan(50);
            assertThat(requests.answersIn(phase)).containsOnlyKeys(providerIds);
        });
        assertThat(requests.failuresIn(phase)).as("failed requests while the quorum is lost").isEmpty();

        long restartedAt = System.nanoTime();
        long leaderLaunched = leader.launch();
        long followerLaunched = follower.launch();
        leader.awaitReady(leaderLaunched);
        follower.awaitReady(followerLaunched);
        awaitQuorum();
        figure("quorum back after restart", restartedAt);
        await().atMost(Duration.ofSeconds(30))
                .untilAsserted(() -> assertThat(leadership.isLeader(GROUP)).as("leader again").isTrue());
        figure("leadership regained after quorum returned", restartedAt);
        long tokenBefore = lastToken;
        await().atMost(Duration.ofSeconds(30)).ignoreExceptions().until(() -> {
            lastToken = lockAndRelease();
            return true;
        });
        figure("lock granted again after quorum returned", restartedAt);
        assertThat(lastToken).as("fencing token after the quorum returned").isGreaterThan(tokenBefore);
        assertThat(requests.failuresIn(phase)).as("failed requests around the loss of the quorum").isEmpty();

        // After the quorum returns, config, discovery and locks work as before.
        String recovered = "recovered";
        requests.phase(recovered);
        String greeting = "v4-" + System.nanoTime();
        operator.setData().forPath(GREETING_PATH, bytes(greeting));
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(greeting()).isEqualTo(greeting));
        long token = lockAndRelease();
        assertThat(token).isGreaterThan(lastToken);
        lastToken = token;
        await().atMost(Duration.ofSeconds(15))
                .untilAsserted(() -> assertThat(requests.answersIn(recovered)).containsOnlyKeys(providerIds));
        assertThat(consumer.getBean(ZooKeeperConnectionMonitor.class).isConnected()).isTrue();
    }

    private static void survivesLosing(PeerProcess member, String phase, String newGreeting) throws Exception {
        ZooKeeperConnectionMonitor monitor = consumer.getBean(ZooKeeperConnectionMonitor.class);
        boolean consumerWasOnIt = consumerMember().filter(member::equals).isPresent();
        long reconnectsBefore = monitor.reconnects();
        requests.phase(phase);
        long stoppedAt = System.nanoTime();
        member.kill();

        await().atMost(Duration.ofSeconds(30)).untilAsserted(
                () -> assertThat(members.stream().filter(PeerProcess::serving).count()).isEqualTo(2));
        figure(phase + ": the two others serve", stoppedAt);
        if (consumerWasOnIt) {
            await().atMost(Duration.ofSeconds(30))
                    .untilAsserted(() -> assertThat(monitor.reconnects()).isGreaterThan(reconnectsBefore));
        }
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(monitor.isConnected()).isTrue());
        figure(phase + ": consumer connected (its member was killed: " + consumerWasOnIt + ", suspensions "
                + monitor.suspensions() + ", reconnects " + monitor.reconnects() + ")", stoppedAt);

        // Locks: acquired and released again, tokens still only grow.
        await().atMost(Duration.ofSeconds(30)).ignoreExceptions().untilAsserted(() -> {
            long token = lockAndRelease();
            assertThat(token).isGreaterThan(lastToken);
            lastToken = token;
        });
        for (int i = 0; i < 3; i++) {
            long token = lockAndRelease();
            assertThat(token).isGreaterThan(lastToken);
            lastToken = token;
        }
        figure(phase + ": lock granted", stoppedAt);

        // Config: a change written now reaches the consumer's @ConfigurationProperties.
        long writtenAt = System.nanoTime();
        operator.setData().forPath(GREETING_PATH, bytes(newGreeting));
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(greeting()).isEqualTo(newGreeting));
        figure(phase + ": config change applied", writtenAt);

        // Discovery: both providers keep answering.
        await().atMost(Duration.ofSeconds(15))
                .untilAsserted(() -> assertThat(requests.answersIn(phase)).containsOnlyKeys(providerIds));
        assertThat(consumer.getBean(ClusterLeadership.class).isLeader(GROUP)).isTrue();

        long restartedAt = System.nanoTime();
        member.start();
        awaitQuorum();
        figure(phase + ": member back in the ensemble", restartedAt);
        assertThat(requests.failuresIn(phase)).as("failed requests while " + phase).isEmpty();
        logger.info("ENSEMBLE-FIGURE {}: answers {}, failed {}", phase, requests.answersIn(phase),
                requests.failuresIn(phase).size());
    }

    private static long lockAndRelease() {
        try (LockLease lease = consumer.getBean(DistributedLocks.class).mutex(LOCK)
                .tryAcquire(Duration.ofSeconds(5)).orElseThrow(() -> new AssertionError("lock not granted"))) {
            assertThat(lease.isValid()).isTrue();
            return lease.fencingToken();
        }
    }

    private static String greeting() {
        return consumer.getBean(EnsembleApps.Greeting.class).getGreeting();
    }

    /** The member the consumer's ZooKeeper client is connected to, if it has the role. */
    private static Optional<PeerProcess> consumerMemberIf(ServerRole role) {
        return consumerMember().filter(member -> member.role() == role);
    }

    private static PeerProcess withRole(ServerRole role) {
        return members.stream().filter(member -> member.role() == role).findFirst()
                .orElseThrow(() -> new AssertionError("no " + role + " among " + roles()));
    }

    private static String roles() {
        return members.stream().map(member -> member + ": " + member.role()).collect(Collectors.joining(", "));
    }

    private static Optional<PeerProcess> consumerMember() {
        try {
            // ZooKeeper's client names the server it talks to in its description: "remoteserver:<host>/<ip>:<port>".
            String description = consumer.getBean(CuratorFramework.class).getZookeeperClient().getZooKeeper()
                    .toString();
            int at = description.indexOf("remoteserver:");
            if (at < 0) {
                return Optional.empty();
            }
            int end = description.indexOf(' ', at);
            String remote = description.substring(at, (end < 0) ? description.length() : end);
            return members.stream().filter(member -> remote.endsWith(":" + member.clientPort())).findFirst();
        }
        catch (Exception ex) {
            return Optional.empty();
        }
    }

    private static void awaitQuorum() {
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200)).untilAsserted(() -> {
            List<ServerRole> running = members.stream().filter(PeerProcess::isRunning).map(PeerProcess::role)
                    .toList();
            assertThat(running).as(roles()).isNotEmpty()
                    .allSatisfy(role -> assertThat(role).isIn(ServerRole.LEADER, ServerRole.FOLLOWER));
            assertThat(running).as(roles()).filteredOn(role -> role == ServerRole.LEADER).hasSize(1);
        });
    }

    private static void figure(String what, long sinceNanos) {
        logger.info("ENSEMBLE-FIGURE {} after {} ms", what, Duration.ofNanos(System.nanoTime() - sinceNanos).toMillis());
    }

    private static byte[] bytes(String value) {
        return value.getBytes(StandardCharsets.UTF_8);
    }
}
