package dev.meshkeeper.benchmarks.placement;

import dev.meshkeeper.benchmarks.summary.BenchmarkResults;
import dev.meshkeeper.benchmarks.summary.Goal;
import dev.meshkeeper.placement.PlacementProperties;
import dev.meshkeeper.placement.WorkAssignedEvent;
import dev.meshkeeper.placement.WorkPlacement;
import dev.meshkeeper.placement.WorkRevokedEvent;
import dev.meshkeeper.registry.server.RegistryServer;
import dev.meshkeeper.registry.server.RegistryServerSettings;
import dev.meshkeeper.zookeeper.ZooKeeperConnectionMonitor;
import dev.meshkeeper.zookeeper.ZooKeeperRequests;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.lang.reflect.Field;
import java.nio.file.Files;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.IntStream;
import org.apache.curator.ensemble.EnsembleProvider;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.ExponentialBackoffRetry;
import org.apache.zookeeper.ClientCnxn;
import org.apache.zookeeper.ZooKeeper;

/**
 * Rebalance time and movement of a work group: {@code members} members (each its own ZooKeeper session against a
 * real ZooKeeper server in this JVM) share {@code items} items; then, {@code rounds} times each, a member joins, a
 * member leaves gracefully, and a member crashes (its session expires after {@code session-ms}); an optional fifth
 * argument names the changes to make in each round ({@code join,leave} for a short run without crashes). Each change is
 * timed from the change until every item runs again on a member of a balanced assignment (seen through
 * {@code WorkAssignedEvent}/{@code WorkRevokedEvent}), and its moved items are compared with the minimum.
 * <p>
 * {@code java -cp benchmarks/target/meshkeeper-benchmarks.jar dev.meshkeeper.benchmarks.placement.RebalanceHarness
 * 3 1000 5 2000}
 */
public final class RebalanceHarness {

    private final String connectString;

    private final List<String> items;

    private final int sessionMs;

    private final Map<String, String> owners = new ConcurrentHashMap<>();

    private final List<Member> live = new ArrayList<>();

    private int next;

    private RebalanceHarness(String connectString, int items, int sessionMs) {
        this.connectString = connectString;
        this.items = IntStream.range(0, items).mapToObj(Integer::toString).toList();
        this.sessionMs = sessionMs;
    }

    public static void main(String[] args) throws Exception {
        int members = (args.length > 0) ? Integer.parseInt(args[0]) : 3;
        int items = (args.length > 1) ? Integer.parseInt(args[1]) : 1000;
        int rounds = (args.length > 2) ? Integer.parseInt(args[2]) : 5;
        int sessionMs = (args.length > 3) ? Integer.parseInt(args[3]) : 2000;
        List<String> changes = List.of(((args.length > 4) ? args[4] : "join,leave,crash").split(","));
        RegistryServer server = new RegistryServer(RegistryServerSettings.builder().bindAddress("127.0.0.1")
                .clientPort(0).dataDir(Files.createTempDirectory("meshkeeper-bench-")).tickTime(Duration.ofMillis(200))
                .minSessionTimeout(Duration.ofMillis(400)).maxSessionTimeout(Duration.ofSeconds(20))
                .maxClientConnections(0).purgeInterval(Duration.ZERO).startupTimeout(Duration.ofSeconds(20)).build());
        server.start();
        RebalanceHarness harness = new RebalanceHarness(server.connectString(), items, sessionMs);
        try {
            long initial = System.nanoTime();
            for (int i = 0; i < members; i++) {
                harness.join();
            }
            harness.awaitSettled();
            System.out.printf("%d members x %d items: initial placement %d ms%n", members, items,
                    (System.nanoTime() - initial) / 1_000_000);
            List<long[]> join = new ArrayList<>();
            List<long[]> leave = new ArrayList<>();
            List<long[]> crash = new ArrayList<>();
            for (int round = 0; round < rounds; round++) {
                if (changes.contains("join")) {
                    join.add(harness.change("join"));
                }
                if (changes.contains("leave")) {
                    leave.add(harness.change("leave"));
                }
                if (changes.contains("crash")) {
                    crash.add(harness.change("crash"));
                    harness.change("join");
                }
            }
            print("graceful join", join);
            print("graceful leave", leave);
            print("crash (session " + sessionMs + " ms)", crash);
        }
        finally {
            harness.live.forEach(Member::stop);
            server.close();
        }
    }

    /**
     * Applies the change; returns {milliseconds until settled, items moved, minimum, hand-off milliseconds}. The
     * hand-off part is the longest time a member took from seeing the new assignment until it ran every item the
     * assignment gives it (its {@code meshkeeper.placement.rebalance} timer); the rest is the time until the leader
     * saw the change, computed and published the assignment and the members saw it.
     */
    private long[] change(String change) throws Exception {
        Map<String, String> before = new HashMap<>(this.owners);
        Map<String, double[]> timers = new HashMap<>();
        this.live.forEach(member -> timers.put(member.id, member.rebalanceTimer()));
        long started = System.nanoTime();
        switch (change) {
            case "join" -> join();
            case "leave" -> this.live.remove(this.live.size() - 1).stop();
            default -> this.live.remove(0).crash();
        }
        awaitSettled();
        long millis = (System.nanoTime() - started) / 1_000_000;
        long moved = this.items.stream().filter(item -> !this.owners.get(item).equals(before.get(item))).count();
        double handOff = 0;
        for (Member member : this.live) {
            double[] now = member.rebalanceTimer();
            double[] then = timers.getOrDefault(member.id, new double[2]);
            if (now[0] > then[0]) {
                handOff = Math.max(handOff, (now[1] - then[1]) / (now[0] - then[0]));
            }
        }
        long minimum = minimumMoves(before);
        System.out.printf("%s at %s: %d ms, of which hand-off %d ms; moved %d items, minimum %d%n", change,
                java.time.LocalTime.now(), millis, (long) handOff, moved, minimum);
        return new long[] { millis, moved, minimum, (long) handOff };
    }

    private void join() throws Exception {
        this.live.add(new Member("bench-" + (++this.next)));
    }

    private void awaitSettled() throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (!settled()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("not settled within 120 s: " + this.owners.size() + " items owned");
            }
            Thread.sleep(2);
        }
    }

    private boolean settled() {
        if (this.owners.size() != this.items.size()) {
            return false;
        }
        Map<String, Integer> counts = new HashMap<>();
        this.live.forEach(member -> counts.put(member.id, 0));
        for (String owner : this.owners.values()) {
            if (!counts.containsKey(owner)) {
                return false;
            }
            counts.merge(owner, 1, Integer::sum);
        }
        int max = counts.values().stream().max(Integer::compare).orElse(0);
        int min = counts.values().stream().min(Integer::compare).orElse(0);
        return max - min <= 1;
    }

    private long minimumMoves(Map<String, String> before) {
        List<String> ids = this.live.stream().map(member -> member.id).toList();
        Map<String, Long> held = new HashMap<>();
        long orphans = 0;
        for (String item : this.items) {
            String owner = before.get(item);
            if (owner != null && ids.contains(owner)) {
                held.merge(owner, 1L, Long::sum);
            }
            else {
                orphans++;
            }
        }
        int quota = this.items.size() / ids.size();
        int larger = this.items.size() % ids.size();
        List<Long> sorted = ids.stream().map(id -> held.getOrDefault(id, 0L)).sorted(Comparator.reverseOrder())
                .toList();
        long surplus = 0;
        for (int i = 0; i < sorted.size(); i++) {
            surplus += Math.max(0, sorted.get(i) - (quota + ((i < larger) ? 1 : 0)));
        }
        return orphans + surplus;
    }

    private static void print(String change, List<long[]> results) {
        if (results.isEmpty()) {
            return;
        }
        List<Long> millis = results.stream().map(result -> result[0]).sorted().toList();
        List<Long> handOff = results.stream().map(result -> result[3]).sorted().toList();
        long moved = results.stream().mapToLong(result -> result[1]).sum();
        long minimum = results.stream().mapToLong(result -> result[2]).sum();
        System.out.printf("%s: median %d ms, max %d ms (%d rounds), of which hand-off (median) %d ms; moved %d items, "
                + "minimum %d%n", change, millis.get(millis.size() / 2), millis.get(millis.size() - 1), millis.size(),
                handOff.get(handOff.size() / 2), moved, minimum);
        String name = "placement.rebalance." + change.toLowerCase(java.util.Locale.ROOT).replace(' ', '-');
        BenchmarkResults.record(name, "median", "ms", millis.get(millis.size() / 2), null);
        BenchmarkResults.record(name + ".moves-above-minimum", "items", "items", moved - minimum,
                Goal.valueAtMost(0));
    }

    private final class Member {

        final String id;

        final CuratorFramework curator;

        final ZooKeeperConnectionMonitor monitor;

        final WorkPlacement placement;

        final SimpleMeterRegistry meters = new SimpleMeterRegistry();

        /** Where the client connects; a crash points it at a closed port, so the client cannot come back. */
        final AtomicReference<String> ensemble = new AtomicReference<>(RebalanceHarness.this.connectString);

        Member(String id) throws Exception {
            this.id = id;
            this.curator = CuratorFrameworkFactory.builder().ensembleProvider(new EnsembleProvider() {

                @Override
                public void start() {
                }

                @Override
                public String getConnectionString() {
                    return Member.this.ensemble.get();
                }

                @Override
                public void close() {
                }

                @Override
                public void setConnectionString(String connectString) {
                }

                @Override
                public boolean updateServerListEnabled() {
                    return false;
                }
            }).sessionTimeoutMs(RebalanceHarness.this.sessionMs)
                    .connectionTimeoutMs(Math.min(5_000, RebalanceHarness.this.sessionMs))
                    .retryPolicy(new ExponentialBackoffRetry(50, 5, 500)).build();
            this.curator.start();
            this.curator.blockUntilConnected(20, TimeUnit.SECONDS);
            this.monitor = new ZooKeeperConnectionMonitor(this.curator, event -> {
            });
            this.monitor.afterPropertiesSet();
            ZooKeeperRequests requests = new ZooKeeperRequests(this.curator, this.monitor, Duration.ofSeconds(5),
                    Clock.systemUTC());
            this.placement = new WorkPlacement(this.curator, requests, new PlacementProperties(), () -> id, 1,
                    event -> {
                        if (event instanceof WorkAssignedEvent assigned) {
                            RebalanceHarness.this.owners.put(assigned.getItem(), id);
                        }
                        else if (event instanceof WorkRevokedEvent revoked) {
                            RebalanceHarness.this.owners.remove(revoked.getItem(), id);
                        }
                    }, this.meters);
            this.placement.declare("bench", RebalanceHarness.this.items, 1);
            this.placement.start();
        }

        /** {count, total milliseconds} of this member's rebalance timer. */
        double[] rebalanceTimer() {
            Timer timer = this.meters.find("meshkeeper.placement.rebalance").timer();
            return (timer != null) ? new double[] { timer.count(), timer.totalTime(TimeUnit.MILLISECONDS) }
                    : new double[2];
        }

        void stop() {
            this.placement.stop();
            this.monitor.destroy();
            this.curator.close();
        }

        /**
         * Vanishes without closing its session: ZooKeeper expires it after the session timeout. The client is cut off
         * first (its ensemble becomes a closed port): Curator answers the session's end on the client side by opening
         * a new session, and a crashed process must not come back with one. Its ZooKeeper handle is marked closed
         * before the session's end is injected: {@code injectSessionExpiration()} marks it closed only after queueing
         * the event, and when Curator's event thread took the event first, Curator's close of the handle, still open,
         * sent a regular session close, so the "crash" ended the session at once (and, with the former ensemble, the
         * member came back with a new session). The client is closed before the member stops, so that the member
         * cannot release its items.
         */
        void crash() throws Exception {
            this.ensemble.set("127.0.0.1:1");
            ZooKeeper zooKeeper = this.curator.getZookeeperClient().getZooKeeper();
            markClosed(zooKeeper);
            zooKeeper.getTestable().injectSessionExpiration();
            this.curator.close();
            this.placement.stop();
            this.monitor.destroy();
        }

        private static void markClosed(ZooKeeper zooKeeper) throws ReflectiveOperationException {
            Field cnxn = ZooKeeper.class.getDeclaredField("cnxn");
            cnxn.setAccessible(true);
            Field state = ClientCnxn.class.getDeclaredField("state");
            state.setAccessible(true);
            state.set(cnxn.get(zooKeeper), ZooKeeper.States.CLOSED);
        }
    }
}
