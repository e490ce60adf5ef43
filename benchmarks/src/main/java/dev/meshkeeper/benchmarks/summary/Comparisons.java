package dev.meshkeeper.benchmarks.summary;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Predicate;

/**
 * Turns JMH scores into summary rows: each Meshkeeper figure next to its upstream baseline from the same run, with
 * the goal docs/benchmarks.md states for it. A score no comparison uses is still reported, on its own.
 */
final class Comparisons {

    private final List<JmhScore> scores;

    private final Set<JmhScore> used = new java.util.HashSet<>();

    private final List<ResultRow> rows = new ArrayList<>();

    Comparisons(List<JmhScore> scores) {
        this.scores = scores;
    }

    List<ResultRow> rows() {
        lockRows();
        chooseRows();
        configRefreshRows();
        // Like with like: the starter's application watches its own service, so its baseline is raw Curator with a
        // cache on the writing client; the unwatched service is compared with raw Curator, nobody watching.
        pair("discovery.register-deregister", "throughput", "RegistrationBenchmark.meshkeeperRegistry",
                "RegistrationBenchmark.curatorServiceDiscoveryWatched", Goal.ratioAtLeast(0.9));
        pair("discovery.register-deregister.unwatched", "throughput",
                "RegistrationBenchmark.meshkeeperRegistryUnwatchedService",
                "RegistrationBenchmark.curatorServiceDiscovery", Goal.ratioAtLeast(0.9));
        pair("data.read.shared-value", "score", "SharedDataReadBenchmark.sharedValueGet",
                "SharedDataReadBenchmark.curatorSharedValueGetAndDecode", null);
        pair("traffic.rate-limit-filter.admitted", "score", "RateLimitFilterBenchmark.filterAdmitted",
                "RateLimitFilterBenchmark.baselineNoFilter", null);
        for (JmhScore score : this.scores) {
            if (!this.used.contains(score)) {
                this.rows.add(new ResultRow(score.label(), "score", score.unit(), score.score(), null, null, null));
            }
        }
        return this.rows;
    }

    private void lockRows() {
        pair("lock.uncontended", "throughput", "UncontendedLockBenchmark.meshkeeperMutex",
                "UncontendedLockBenchmark.curatorInterProcessMutex", Goal.ratioAtLeast(0.95));
        pair("lock.uncontended", "throughput", "UncontendedLockBenchmark.meshkeeperMutex",
                "UncontendedLockBenchmark.springIntegrationZookeeperLockRegistry", null);
        pair("lock.contended-16-threads", "throughput", "ContendedLockBenchmark.meshkeeperMutex16Threads",
                "ContendedLockBenchmark.curatorInterProcessMutex16Threads", Goal.ratioAtLeast(3));
    }

    private void chooseRows() {
        Set<String> sizes = new TreeSet<>();
        this.scores.stream().filter(s -> s.is("ChooseBenchmark.choose")).forEach(s -> sizes.add(s.params().get("instances")));
        for (String size : sizes) {
            Optional<JmhScore> upstream = find(s -> s.is("ChooseBenchmark.choose") && s.has("instances", size)
                    && s.has("balancer", "upstream-round-robin"));
            for (String balancer : List.of("round-robin", "weighted", "least-loaded")) {
                Optional<JmhScore> ours = find(s -> s.is("ChooseBenchmark.choose") && s.has("instances", size)
                        && s.has("balancer", balancer));
                Goal goal = balancer.equals("round-robin") ? null : Goal.ratioAtMost(1.5);
                add("loadbalancer.choose." + balancer + ".instances=" + size, "average time", ours, upstream,
                        "upstream-round-robin", goal, false);
            }
        }
    }

    private void configRefreshRows() {
        for (String beans : List.of("1", "200")) {
            Optional<JmhScore> ours = refresh("meshkeeper", beans);
            Optional<JmhScore> upstream = refresh("spring-cloud", beans);
            Optional<JmhScore> raw = refresh("raw-watch", beans);
            String name = "config.refresh.beans=" + beans;
            // At 200 beans the goal is 10 times Spring Cloud Zookeeper's refresh at p50.
            add(name, "p50", ours, upstream, "spring-cloud", beans.equals("200") ? Goal.ratioAtMost(0.1) : null, true);
            add(name, "p99", ours, upstream, "spring-cloud", null, true);
            if (ours.isPresent() && raw.isPresent()) {
                add(name, "p50", ours, raw, "raw-watch", Goal.valueAtMost(raw.get().p50() + 2.5), true);
                add(name, "p99", ours, raw, "raw-watch", Goal.valueAtMost(raw.get().p99() + 8), true);
            }
        }
    }

    private Optional<JmhScore> refresh(String path, String beans) {
        return find(s -> s.is("ConfigRefreshBenchmark.writeThenObserve") && s.has("path", path) && s.has("beans", beans));
    }

    private void pair(String name, String metric, String method, String baselineMethod, Goal goal) {
        add(name, metric, find(s -> s.is(method)), find(s -> s.is(baselineMethod)),
                baselineMethod.substring(baselineMethod.lastIndexOf('.') + 1), goal, false);
    }

    private void add(String name, String metric, Optional<JmhScore> ours, Optional<JmhScore> baseline,
            String baselineName, Goal goal, boolean percentile) {
        if (ours.isEmpty()) {
            return;
        }
        this.used.add(ours.get());
        double value = figure(ours.get(), metric, percentile);
        Double baselineValue = baseline.map(b -> figure(b, metric, percentile)).orElse(null);
        baseline.ifPresent(this.used::add);
        this.rows.add(new ResultRow(name, metric, ours.get().unit(), value, baseline.isPresent() ? baselineName : null,
                baselineValue, goal));
    }

    private static double figure(JmhScore score, String metric, boolean percentile) {
        if (!percentile) {
            return score.score();
        }
        return metric.equals("p99") ? score.p99() : score.p50();
    }

    private Optional<JmhScore> find(Predicate<JmhScore> test) {
        return this.scores.stream().filter(test).findFirst();
    }
}
