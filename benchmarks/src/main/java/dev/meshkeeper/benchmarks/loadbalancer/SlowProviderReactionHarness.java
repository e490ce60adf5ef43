package dev.meshkeeper.benchmarks.loadbalancer;

import dev.meshkeeper.benchmarks.summary.BenchmarkResults;
import dev.meshkeeper.benchmarks.summary.Goal;
import dev.meshkeeper.registry.server.RegistryServer;
import dev.meshkeeper.registry.server.RegistryServerSettings;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.StringJoiner;
import java.util.concurrent.TimeUnit;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * How fast {@code least-loaded} reacts when one provider turns slow and when it recovers. Three providers of one
 * service (Tomcat with {@code threads} worker threads, 10 ms of work), two caller applications with {@code senders}
 * closed-loop threads each, strategy {@code least-loaded} with its defaults (or the strategy given). Each round: 3 s
 * normal, then provider 1 turns 10x slower (100 ms) for {@code slow} seconds, then normal again for 15 s. The share of
 * calls sent to provider 1 is counted in 250 ms windows by the time each call was sent, and the harness prints:
 * <ul>
 * <li>from the turn to slow until the first window with a share of 5 % or less, and until the share stays at 5 % or
 * less for the rest of the slow phase;</li>
 * <li>the share over the whole slow phase, and from 1 s after the turn on;</li>
 * <li>from the recovery until the first window with a share of 25 % or more (an equal share is 33 %).</li>
 * </ul>
 * Run: {@code java -cp ... dev.meshkeeper.benchmarks.loadbalancer.SlowProviderReactionHarness [rounds=3] [senders=6]
 * [threads=8] [slow=8] [strategy=least-loaded]}.
 */
public final class SlowProviderReactionHarness {

    private static final long WINDOW_NANOS = TimeUnit.MILLISECONDS.toNanos(250);

    private static final long WORK_MILLIS = 10;

    private SlowProviderReactionHarness() {
    }

    public static void main(String[] args) throws Exception {
        int rounds = (args.length > 0) ? Integer.parseInt(args[0]) : 3;
        int senders = (args.length > 1) ? Integer.parseInt(args[1]) : 6;
        int threads = (args.length > 2) ? Integer.parseInt(args[2]) : 8;
        int slow = (args.length > 3) ? Integer.parseInt(args[3]) : 8;
        String strategy = (args.length > 4) ? args[4] : "least-loaded";
        String service = "reaction";
        try (RegistryServer server = new RegistryServer(RegistryServerSettings.builder().bindAddress("127.0.0.1")
                .clientPort(0).dataDir(Files.createTempDirectory("meshkeeper-reaction")).build())) {
            server.start();
            String connect = server.connectString();
            List<ConfigurableApplicationContext> providers = new ArrayList<>();
            try {
                for (int i = 0; i < 3; i++) {
                    providers.add(BalancingApps.provider(connect, service, threads, WORK_MILLIS));
                }
                String badPort = BalancingApps.port(providers.get(0));
                BalancingApps.Work bad = providers.get(0).getBean(BalancingApps.Work.class);
                String setting = "meshkeeper.loadbalancer.clients." + service + ".strategy=" + strategy;
                try (ConfigurableApplicationContext first = BalancingApps.caller(connect, setting);
                        ConfigurableApplicationContext second = BalancingApps.caller(connect, setting)) {
                    Senders one = new Senders(BalancingApps.client(first), "http://" + service + "/work", senders);
                    Senders two = new Senders(BalancingApps.client(second), "http://" + service + "/work", senders);
                    try {
                        TimeUnit.SECONDS.sleep(3);
                        System.out.printf(Locale.ROOT, "%s, 2 callers x %d senders, 3 providers with %d threads, "
                                + "%d ms of work, slow = %d ms for %d s, windows of %d ms%n", strategy, senders,
                                threads, WORK_MILLIS, 10 * WORK_MILLIS, slow, WINDOW_NANOS / 1_000_000);
                        System.out.println("| round | slow: first window ≤ 5 % | slow: ≤ 5 % from then on | "
                                + "share over the slow phase | share from 1 s after turning slow | "
                                + "recovered: first window ≥ 25 % |");
                        System.out.println("|---|---|---|---|---|---|");
                        for (int round = 1; round <= rounds; round++) {
                            round(round, bad, badPort, one, two, slow);
                        }
                    }
                    finally {
                        one.stop();
                        two.stop();
                    }
                }
            }
            finally {
                providers.forEach(ConfigurableApplicationContext::close);
            }
        }
    }

    private static void round(int round, BalancingApps.Work bad, String badPort, Senders one, Senders two, int slow)
            throws InterruptedException {
        one.reset();
        two.reset();
        TimeUnit.SECONDS.sleep(3);
        long turnedSlow = System.nanoTime();
        bad.setWorkMillis(10 * WORK_MILLIS);
        TimeUnit.SECONDS.sleep(slow);
        long recovered = System.nanoTime();
        bad.setWorkMillis(WORK_MILLIS);
        TimeUnit.SECONDS.sleep(15);
        List<Senders.Served> served = new ArrayList<>(one.timeline);
        served.addAll(two.timeline);
        double[] slowShares = shares(served, badPort, turnedSlow, recovered);
        double[] afterShares = shares(served, badPort, recovered, recovered + TimeUnit.SECONDS.toNanos(15));
        int first = -1;
        int stays = -1;
        for (int w = 0; w < slowShares.length; w++) {
            if (slowShares[w] <= 0.05) {
                first = (first < 0) ? w : first;
                stays = (stays < 0) ? w : stays;
            }
            else {
                stays = -1;
            }
        }
        int back = -1;
        for (int w = 0; w < afterShares.length && back < 0; w++) {
            if (afterShares[w] >= 0.25) {
                back = w;
            }
        }
        System.out.printf(Locale.ROOT, "| %d | %s | %s | %.1f %% | %.1f %% | %s |%n", round, end(first), end(stays),
                100 * share(served, badPort, turnedSlow, recovered),
                100 * share(served, badPort, turnedSlow + TimeUnit.SECONDS.toNanos(1), recovered), end(back));
        System.out.printf(Locale.ROOT, "round %d, share per window (%%): slow %s; recovered %s%n", round,
                trace(slowShares), trace(afterShares));
        BenchmarkResults.record("loadbalancer.slow-provider.round-" + round + ".share-while-slow", "after the first "
                + "second", "%", 100 * share(served, badPort, turnedSlow + TimeUnit.SECONDS.toNanos(1), recovered),
                Goal.valueAtMost(5));
    }

    /** The end of window {@code w} after the change, in ms; "never" when no window qualified. */
    private static String end(int w) {
        return (w < 0) ? "never" : ((w + 1) * WINDOW_NANOS / 1_000_000) + " ms";
    }

    /** The share of calls sent to the bad provider in each window from {@code from} to {@code to}. */
    private static double[] shares(List<Senders.Served> served, String badPort, long from, long to) {
        int windows = (int) ((to - from) / WINDOW_NANOS);
        long[] all = new long[windows];
        long[] toBad = new long[windows];
        for (Senders.Served call : served) {
            long offset = call.sentNanos() - from;
            if (offset >= 0 && offset < windows * WINDOW_NANOS) {
                int w = (int) (offset / WINDOW_NANOS);
                all[w]++;
                if (badPort.equals(call.port())) {
                    toBad[w]++;
                }
            }
        }
        double[] shares = new double[windows];
        for (int w = 0; w < windows; w++) {
            shares[w] = (all[w] > 0) ? (double) toBad[w] / all[w] : 0;
        }
        return shares;
    }

    /** The share of the calls sent from {@code from} to {@code to} that went to the bad provider. */
    private static double share(List<Senders.Served> served, String badPort, long from, long to) {
        long all = served.stream().filter(call -> call.sentNanos() >= from && call.sentNanos() < to).count();
        long toBad = served.stream().filter(call -> call.sentNanos() >= from && call.sentNanos() < to)
                .filter(call -> badPort.equals(call.port())).count();
        return (all > 0) ? (double) toBad / all : 0;
    }

    /** The shares of the first 4 s, one per window, in percent. */
    private static String trace(double[] shares) {
        StringJoiner joiner = new StringJoiner(" ");
        for (int w = 0; w < Math.min(16, shares.length); w++) {
            joiner.add(String.format(Locale.ROOT, "%.0f", 100 * shares[w]));
        }
        return joiner.toString();
    }
}
