package dev.meshkeeper.benchmarks.lock;

import dev.meshkeeper.benchmarks.summary.BenchmarkResults;
import dev.meshkeeper.benchmarks.summary.Goal;
import dev.meshkeeper.leader.ClusterLeadership;
import dev.meshkeeper.leader.LeaderProperties;
import dev.meshkeeper.leader.LeadershipGrantedEvent;
import dev.meshkeeper.leader.LeadershipRevokedEvent;
import dev.meshkeeper.zookeeper.ZooKeeperConnectionMonitor;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.CuratorFramework;
import org.apache.zookeeper.Watcher.Event.KeeperState;
import org.apache.zookeeper.ZooKeeper;

/**
 * Leader failover time with two members (two Curator sessions) of one group against a real ZooKeeper in this JVM:
 * <ul>
 * <li>graceful: from the leader's {@code stop()} (shutdown) to the successor's {@link LeadershipGrantedEvent};</li>
 * <li>session expiry: the leader's connection is cut (it stops leading at SUSPENDED), then its session is
 * expired; measured from the expiry to the successor's grant.</li>
 * </ul>
 * Run: {@code java -cp benchmarks/target/meshkeeper-benchmarks.jar dev.meshkeeper.benchmarks.lock.LeaderFailoverHarness [rounds]}
 */
public final class LeaderFailoverHarness {

    private LeaderFailoverHarness() {
    }

    public static void main(String[] args) throws Exception {
        int rounds = (args.length > 0) ? Integer.parseInt(args[0]) : 10;
        try (LockBenchmarkEnvironment environment = new LockBenchmarkEnvironment()) {
            List<Long> graceful = new ArrayList<>();
            List<Long> expiry = new ArrayList<>();
            for (int round = 0; round < rounds; round++) {
                graceful.add(failover(environment, "graceful-" + round, false));
                expiry.add(failover(environment, "expiry-" + round, true));
            }
            System.out.println("leader failover, graceful stop (ms): " + summary(graceful));
            System.out.println("leader failover, session expiry (ms, from expiry): " + summary(expiry));
            BenchmarkResults.record("leader.failover.graceful-stop", "median", "ms", median(graceful),
                    Goal.valueAtMost(500));
            BenchmarkResults.record("leader.failover.session-expiry", "median", "ms", median(expiry), null);
        }
        System.exit(0);
    }

    private static long failover(LockBenchmarkEnvironment environment, String group, boolean expire)
            throws Exception {
        Member first = new Member(environment, group, "member-a");
        first.leadership.start();
        first.granted.poll(30, TimeUnit.SECONDS);
        Member second = new Member(environment, group, "member-b");
        second.leadership.start();
        // the second member's latch node exists once it is listed among the participants
        while (first.curator.getChildren().forPath("/meshkeeper/leaders/" + group).size() < 2) {
            Thread.onSpinWait();
        }
        long started;
        if (expire) {
            ZooKeeper zooKeeper = first.curator.getZookeeperClient().getZooKeeper();
            environment.server.terminateConnection(zooKeeper.getSessionId());
            first.revoked.poll(30, TimeUnit.SECONDS);
            started = System.nanoTime();
            expireSession(environment, zooKeeper);
        }
        else {
            started = System.nanoTime();
            first.leadership.stop();
        }
        if (second.granted.poll(30, TimeUnit.SECONDS) == null) {
            throw new IllegalStateException("no successor in group " + group);
        }
        long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
        first.close();
        second.close();
        return millis;
    }

    private static void expireSession(LockBenchmarkEnvironment environment, ZooKeeper client) throws Exception {
        CountDownLatch connected = new CountDownLatch(1);
        ZooKeeper twin = new ZooKeeper(environment.server.connectString(), 10_000, event -> {
            if (event.getState() == KeeperState.SyncConnected) {
                connected.countDown();
            }
        }, client.getSessionId(), client.getSessionPasswd());
        connected.await(10, TimeUnit.SECONDS);
        twin.close();
    }

    private static double median(List<Long> millis) {
        return millis.stream().sorted().toList().get(millis.size() / 2);
    }

    private static String summary(List<Long> millis) {
        List<Long> sorted = millis.stream().sorted().toList();
        return "median " + sorted.get(sorted.size() / 2) + ", min " + sorted.get(0) + ", max "
                + sorted.get(sorted.size() - 1) + " over " + sorted.size() + " rounds";
    }

    private static final class Member {

        final CuratorFramework curator;

        final ZooKeeperConnectionMonitor connection;

        final ClusterLeadership leadership;

        final BlockingQueue<Object> granted = new LinkedBlockingQueue<>();

        final BlockingQueue<Object> revoked = new LinkedBlockingQueue<>();

        Member(LockBenchmarkEnvironment environment, String group, String id) throws InterruptedException {
            this.curator = environment.newCurator();
            LeaderProperties properties = new LeaderProperties();
            properties.setGroups(List.of(group));
            this.connection = new ZooKeeperConnectionMonitor(this.curator, event -> {
            });
            this.connection.afterPropertiesSet();
            this.leadership = new ClusterLeadership(this.curator, properties, () -> id, this.connection, event -> {
                        if (event instanceof LeadershipGrantedEvent) {
                            this.granted.add(event);
                        }
                        else if (event instanceof LeadershipRevokedEvent) {
                            this.revoked.add(event);
                        }
                    }, new SimpleMeterRegistry());
        }

        void close() {
            this.leadership.stop();
            this.connection.destroy();
            this.curator.close();
        }
    }
}
