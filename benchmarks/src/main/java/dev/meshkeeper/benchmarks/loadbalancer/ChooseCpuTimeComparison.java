package dev.meshkeeper.benchmarks.loadbalancer;

import dev.meshkeeper.benchmarks.summary.BenchmarkResults;
import dev.meshkeeper.benchmarks.summary.Goal;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The same {@code choose()} comparison as {@link ChooseBenchmark}, for machines shared with other work: the
 * balancers take turns in short rounds, and each round is measured in CPU time of the measuring thread, so
 * time the thread spends waiting for a core does not count. Prints the median nanoseconds per choice of each
 * balancer and its ratio to Spring Cloud LoadBalancer's {@code RoundRobinLoadBalancer}.
 *
 * <pre>java -cp benchmarks/target/meshkeeper-benchmarks.jar \
 *     dev.meshkeeper.benchmarks.loadbalancer.ChooseCpuTimeComparison [rounds] [choices-per-round] [instances...]</pre>
 * The instance counts default to 10, 100 and 1,000.
 */
public final class ChooseCpuTimeComparison {

    private static final String[] BALANCERS = { "upstream-round-robin", "round-robin", "weighted", "least-loaded" };

    private ChooseCpuTimeComparison() {
    }

    public static void main(String[] args) {
        int rounds = (args.length > 0) ? Integer.parseInt(args[0]) : 60;
        int choices = (args.length > 1) ? Integer.parseInt(args[1]) : 200_000;
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        int[] sizes = (args.length > 2) ? Arrays.stream(args, 2, args.length).mapToInt(Integer::parseInt).toArray()
                : new int[] { 10, 100, 1000 };
        for (int instances : sizes) {
            Map<String, ChooseBenchmark> benchmarks = new LinkedHashMap<>();
            for (String balancer : BALANCERS) {
                ChooseBenchmark benchmark = new ChooseBenchmark();
                benchmark.balancer = balancer;
                benchmark.instances = instances;
                benchmark.setUp();
                benchmarks.put(balancer, benchmark);
            }
            Map<String, List<Double>> samples = new LinkedHashMap<>();
            benchmarks.keySet().forEach((balancer) -> samples.put(balancer, new ArrayList<>()));
            // The first fifth of the rounds warms up the JIT and is not counted.
            int warmup = rounds / 5;
            for (int round = 0; round < rounds + warmup; round++) {
                for (Map.Entry<String, ChooseBenchmark> entry : benchmarks.entrySet()) {
                    ChooseBenchmark benchmark = entry.getValue();
                    long start = threads.getCurrentThreadCpuTime();
                    for (int i = 0; i < choices; i++) {
                        if (benchmark.choose() == null) {
                            throw new IllegalStateException("no instance chosen");
                        }
                    }
                    long cpu = threads.getCurrentThreadCpuTime() - start;
                    if (round >= warmup) {
                        samples.get(entry.getKey()).add((double) cpu / choices);
                    }
                }
            }
            double baseline = median(samples.get("upstream-round-robin"));
            System.out.printf("%n%d instances%n", instances);
            System.out.printf("%-22s %12s %8s%n", "balancer", "median ns", "ratio");
            samples.forEach((balancer, values) -> System.out.printf("%-22s %12.1f %8.2f%n", balancer,
                    median(values), median(values) / baseline));
            for (String balancer : BALANCERS) {
                if (!balancer.equals("upstream-round-robin")) {
                    BenchmarkResults.record("loadbalancer.choose-cpu-time." + balancer + ".instances=" + instances,
                            "median CPU time", "ns", median(samples.get(balancer)), "upstream-round-robin", baseline,
                            balancer.equals("round-robin") ? null : Goal.ratioAtMost(1.5));
                }
            }
            benchmarks.values().forEach(ChooseBenchmark::tearDown);
        }
    }

    private static double median(List<Double> values) {
        double[] sorted = values.stream().mapToDouble(Double::doubleValue).toArray();
        Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }
}
