package dev.meshkeeper.benchmarks.summary;

import java.util.Map;
import java.util.TreeMap;
import tools.jackson.databind.JsonNode;

/**
 * One JMH result (a benchmark method with one combination of parameters), read from JMH's JSON output
 * ({@code -rf json}).
 *
 * @param benchmark the benchmark method without the package, e.g. {@code lock.UncontendedLockBenchmark.meshkeeperMutex}
 * @param mode JMH's mode, e.g. {@code thrpt}, {@code avgt}, {@code ss}, {@code sample}
 * @param params the parameters, sorted by name
 * @param score the primary score
 * @param unit the score's unit
 * @param p50 the median of the samples, or NaN when JMH gives no percentiles
 * @param p99 the 99th percentile of the samples, or NaN
 */
record JmhScore(String benchmark, String mode, Map<String, String> params, double score, String unit, double p50,
        double p99) {

    private static final String PACKAGE = "dev.meshkeeper.benchmarks.";

    static JmhScore of(JsonNode result) {
        String benchmark = result.path("benchmark").asString();
        if (benchmark.startsWith(PACKAGE)) {
            benchmark = benchmark.substring(PACKAGE.length());
        }
        Map<String, String> params = new TreeMap<>();
        result.path("params").properties().forEach(entry -> params.put(entry.getKey(), entry.getValue().asString()));
        JsonNode primary = result.path("primaryMetric");
        JsonNode percentiles = primary.path("scorePercentiles");
        return new JmhScore(benchmark, result.path("mode").asString(), params, primary.path("score").asDouble(),
                primary.path("scoreUnit").asString(), percentile(percentiles, "50.0"), percentile(percentiles, "99.0"));
    }

    private static double percentile(JsonNode percentiles, String key) {
        JsonNode value = percentiles.get(key);
        return (value != null && value.isNumber()) ? value.asDouble() : Double.NaN;
    }

    /** Whether this is the named benchmark method (suffix match, e.g. {@code UncontendedLockBenchmark.meshkeeperMutex}). */
    boolean is(String method) {
        return this.benchmark.endsWith(method);
    }

    boolean has(String param, String value) {
        return value.equals(this.params.get(param));
    }

    /** A readable name: the benchmark and its parameters. */
    String label() {
        StringBuilder label = new StringBuilder(this.benchmark);
        this.params.forEach((key, value) -> label.append(' ').append(key).append('=').append(value));
        if (!this.mode.isEmpty()) {
            label.append(" (").append(this.mode).append(')');
        }
        return label.toString();
    }
}
