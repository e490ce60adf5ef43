package dev.meshkeeper.benchmarks.loadbalancer;

import dev.meshkeeper.benchmarks.summary.BenchmarkResults;
import dev.meshkeeper.registry.server.RegistryServer;
import dev.meshkeeper.registry.server.RegistryServerSettings;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.web.client.RestClient;

/**
 * Utilisation-aware balancing side by side with the other strategies, in one run against the same providers. Each
 * scenario starts three providers of a fresh service in an embedded ZooKeeper (Tomcat with {@code threads} worker
 * threads, {@code meshkeeper.load.capacity} the same, 10 ms of work per request), then measures each strategy in turn
 * with two caller applications of its own sending GETs from {@code senders} threads each (1 s timeout):
 * <ul>
 * <li><b>Spring Cloud LoadBalancer round-robin</b>: {@code meshkeeper.enabled=false};</li>
 * <li><b>Meshkeeper round-robin</b>;</li>
 * <li><b>caller-only least-loaded</b>: least-loaded with {@code load-bias=0} (this caller's in-flight and latency);</li>
 * <li><b>utilisation-aware</b>: least-loaded with its defaults (plus the load providers publish).</li>
 * </ul>
 * Scenarios: (a) identical providers; (b) one provider 10x slower (100 ms); (c) one provider saturated by a
 * background client that calls it directly (4 x {@code threads} senders), which the callers do not see; (d) one
 * provider with half the worker threads. A silent pass of (a) warms the code up first. Run: {@code java -cp ...
 * dev.meshkeeper.benchmarks.loadbalancer.UtilisationAwareBalancingHarness [seconds=6] [senders=6] [threads=8]}.
 * <p>
 * System properties narrow or widen a run: {@code -Dharness.scenarios=bc} measures only the scenarios named (the
 * warm-up always runs), {@code -Dharness.strategies=Meshkeeper round-robin,...} only the strategies named, and
 * {@code -Dharness.variants=name:key=value|key=value;name2:...} adds least-loaded variants with those caller
 * properties, measured side by side with the others (e.g. {@code
 * trust0:meshkeeper.loadbalancer.least-loaded.latency-trust-time=0}); {@code -Dharness.show-loads=true} prints the
 * {@code load} metadata of every provider every 500 ms of each measurement.
 */
public final class UtilisationAwareBalancingHarness {

    private static final long WORK_MILLIS = 10;

    private UtilisationAwareBalancingHarness() {
    }

    public static void main(String[] args) throws Exception {
        int seconds = (args.length > 0) ? Integer.parseInt(args[0]) : 6;
        int senders = (args.length > 1) ? Integer.parseInt(args[1]) : 6;
        int threads = (args.length > 2) ? Integer.parseInt(args[2]) : 8;
        try (RegistryServer server = new RegistryServer(RegistryServerSettings.builder().bindAddress("127.0.0.1")
                .clientPort(0).dataDir(Files.createTempDirectory("meshkeeper-utilisation")).build())) {
            server.start();
            String connect = server.connectString();
            // A silent pass first: the strategies measured first would otherwise run on colder code than the others.
            scenario(connect, "warm-up", null, seconds, senders, new int[] { threads, threads, threads },
                    new long[] { WORK_MILLIS, WORK_MILLIS, WORK_MILLIS }, 0);
            System.out.printf(Locale.ROOT, "%n%d s per strategy, 2 callers x %d senders, providers with %d threads, "
                    + "%d ms of work, timeout %d ms%n", seconds, senders, threads, WORK_MILLIS, BalancingApps.TIMEOUT.toMillis());
            System.out.println("| scenario | strategy | requests | p50 ms | p99 ms | p99.9 ms | bad provider share "
                    + "| success % | load writes/s per instance |");
            System.out.println("|---|---|---|---|---|---|---|---|---|");
            scenario(connect, "a", "(a) identical", seconds, senders, new int[] { threads, threads, threads },
                    new long[] { WORK_MILLIS, WORK_MILLIS, WORK_MILLIS }, 0);
            scenario(connect, "b", "(b) one 10x slower", seconds, senders, new int[] { threads, threads, threads },
                    new long[] { 10 * WORK_MILLIS, WORK_MILLIS, WORK_MILLIS }, 0);
            scenario(connect, "c", "(c) one saturated by others", seconds, senders,
                    new int[] { threads, threads, threads }, new long[] { WORK_MILLIS, WORK_MILLIS, WORK_MILLIS },
                    4 * threads);
            scenario(connect, "d", "(d) one with half the threads", seconds, senders,
                    new int[] { Math.max(1, threads / 2), threads, threads },
                    new long[] { WORK_MILLIS, WORK_MILLIS, WORK_MILLIS }, 0);
        }
    }

    private static void scenario(String connect, String id, String title, int seconds, int senders, int[] threads,
            long[] workMillis, int background) throws Exception {
        if (title != null && !System.getProperty("harness.scenarios", "abcd").contains(id)) {
            return;
        }
        String service = "utilisation-" + id;
        List<ConfigurableApplicationContext> providers = new ArrayList<>();
        try {
            for (int i = 0; i < threads.length; i++) {
                providers.add(BalancingApps.provider(connect, service, threads[i], workMillis[i]));
            }
            String badPort = BalancingApps.port(providers.get(0));
            Senders backgroundLoad = null;
            if (background > 0) {
                RestClient direct = RestClient.builder().requestFactory(BalancingApps.requestFactory())
                        .baseUrl("http://127.0.0.1:" + badPort).build();
                backgroundLoad = new Senders(direct, "/work", background);
            }
            try {
                Map<String, String[]> strategies = new LinkedHashMap<>();
                strategies.put("Spring Cloud LoadBalancer round-robin", new String[] { "meshkeeper.enabled=false" });
                strategies.put("Meshkeeper round-robin", new String[] {
                        "meshkeeper.loadbalancer.clients." + service + ".strategy=round-robin" });
                strategies.put("caller-only least-loaded", new String[] {
                        "meshkeeper.loadbalancer.clients." + service + ".strategy=least-loaded",
                        "meshkeeper.loadbalancer.least-loaded.load-bias=0" });
                strategies.put("utilisation-aware least-loaded", new String[] {
                        "meshkeeper.loadbalancer.clients." + service + ".strategy=least-loaded" });
                String only = System.getProperty("harness.strategies");
                if (only != null) {
                    strategies.keySet().removeIf((name) -> !List.of(only.split(",")).contains(name));
                }
                String variants = System.getProperty("harness.variants");
                if (variants != null) {
                    for (String variant : variants.split(";")) {
                        String[] parts = variant.split(":", 2);
                        List<String> props = new ArrayList<>(List.of(
                                "meshkeeper.loadbalancer.clients." + service + ".strategy=least-loaded"));
                        if (parts.length > 1 && !parts[1].isEmpty()) {
                            props.addAll(List.of(parts[1].split("\\|")));
                        }
                        strategies.put(parts[0], props.toArray(new String[0]));
                    }
                }
                for (Map.Entry<String, String[]> strategy : strategies.entrySet()) {
                    measure(connect, service, title, strategy.getKey(), strategy.getValue(), providers, badPort,
                            seconds, senders);
                }
            }
            finally {
                if (backgroundLoad != null) {
                    backgroundLoad.stop();
                }
            }
        }
        finally {
            providers.forEach(ConfigurableApplicationContext::close);
        }
    }

    private static void measure(String connect, String service, String title, String strategy, String[] settings,
            List<ConfigurableApplicationContext> providers, String badPort, int seconds, int senders)
            throws Exception {
        try (ConfigurableApplicationContext first = BalancingApps.caller(connect, settings);
                ConfigurableApplicationContext second = BalancingApps.caller(connect, settings)) {
            Senders one = new Senders(BalancingApps.client(first), "http://" + service + "/work", senders);
            Senders two = new Senders(BalancingApps.client(second), "http://" + service + "/work", senders);
            TimeUnit.SECONDS.sleep(1);
            one.reset();
            two.reset();
            long[] versions = BalancingApps.versions(providers);
            long started = System.nanoTime();
            StringBuilder loads = new StringBuilder();
            for (int tick = 0; tick < seconds * 2; tick++) {
                TimeUnit.MILLISECONDS.sleep(500);
                loads.append(' ').append(BalancingApps.publishedLoads(providers));
            }
            double elapsed = (System.nanoTime() - started) / 1e9;
            if (title != null && Boolean.getBoolean("harness.show-loads")) {
                System.out.printf(Locale.ROOT, "%s, %s: published loads every 500 ms (bad provider first):%s%n", title,
                        strategy, loads);
            }
            long[] after = BalancingApps.versions(providers);
            one.stop();
            two.stop();
            if (title == null) {
                return;
            }
            long writes = 0;
            for (int i = 0; i < versions.length; i++) {
                writes += after[i] - versions[i];
            }
            List<Long> latencies = new ArrayList<>(one.latencies);
            latencies.addAll(two.latencies);
            long[] sorted = latencies.stream().mapToLong(Long::longValue).sorted().toArray();
            long failures = one.failures.get() + two.failures.get();
            long requests = sorted.length + failures;
            long toBad = one.servedBy.getOrDefault(badPort, new AtomicLong()).get()
                    + two.servedBy.getOrDefault(badPort, new AtomicLong()).get();
            System.out.printf(Locale.ROOT, "| %s | %s | %d | %.1f | %.1f | %.1f | %.1f %% | %.2f | %.2f |%n", title,
                    strategy, requests, percentile(sorted, 0.50), percentile(sorted, 0.99),
                    percentile(sorted, 0.999), (sorted.length > 0) ? 100.0 * toBad / sorted.length : 0.0,
                    (requests > 0) ? 100.0 * sorted.length / requests : 0.0,
                    writes / elapsed / providers.size());
            BenchmarkResults.record("loadbalancer.utilisation." + title.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+",
                    "-") + "." + strategy, "p99", "ms", percentile(sorted, 0.99), null);
        }
    }

    private static double percentile(long[] sortedNanos, double quantile) {
        if (sortedNanos.length == 0) {
            return Double.NaN;
        }
        int index = (int) Math.min(sortedNanos.length - 1, Math.ceil(quantile * sortedNanos.length) - 1);
        return sortedNanos[Math.max(0, index)] / 1e6;
    }

}
