package dev.meshkeeper.benchmarks.summary;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

@Timeout(30)
class BenchmarkSummaryTests {

    private static final JsonMapper json = JsonMapper.builder().build();

    @TempDir
    Path results;

    @Test
    void pairsEachMeshkeeperScoreWithItsBaselineFromTheSameRunAndJudgesTheGoal() throws Exception {
        Files.createDirectories(this.results.resolve("jmh"));
        Files.writeString(this.results.resolve("jmh/lock.json"), """
                [ {"benchmark":"dev.meshkeeper.benchmarks.lock.UncontendedLockBenchmark.meshkeeperMutex","mode":"thrpt",
                   "params":{},"primaryMetric":{"score":900.0,"scoreUnit":"ops/s"}},
                  {"benchmark":"dev.meshkeeper.benchmarks.lock.UncontendedLockBenchmark.curatorInterProcessMutex",
                   "mode":"thrpt","params":{},"primaryMetric":{"score":1000.0,"scoreUnit":"ops/s"}},
                  {"benchmark":"dev.meshkeeper.benchmarks.loadbalancer.ChooseBenchmark.choose","mode":"avgt",
                   "params":{"instances":"100","balancer":"weighted"},"primaryMetric":{"score":120.0,"scoreUnit":"ns/op"}},
                  {"benchmark":"dev.meshkeeper.benchmarks.loadbalancer.ChooseBenchmark.choose","mode":"avgt",
                   "params":{"instances":"100","balancer":"upstream-round-robin"},
                   "primaryMetric":{"score":100.0,"scoreUnit":"ns/op"}},
                  {"benchmark":"dev.meshkeeper.benchmarks.zookeeper.ZooKeeperRoundTripBenchmark.getData","mode":"thrpt",
                   "params":{"forceSync":"yes"},"primaryMetric":{"score":2000.0,"scoreUnit":"ops/ms"}} ]
                """, StandardCharsets.UTF_8);
        System.setProperty(BenchmarkResults.DIRECTORY_PROPERTY, this.results.toString());
        try {
            BenchmarkResults.record("leader.failover.graceful-stop", "median", "ms", 600, Goal.valueAtMost(500));
        }
        finally {
            System.clearProperty(BenchmarkResults.DIRECTORY_PROPERTY);
        }

        BenchmarkSummary.main(new String[] { this.results.toString(), "abc1234" });

        JsonNode summary = json.readTree(this.results.resolve("summary.json").toFile());
        assertThat(row(summary, "lock.uncontended", "curatorInterProcessMutex"))
                .containsEntry("value", "900.0").containsEntry("baselineValue", "1000.0")
                .containsEntry("ratio", "0.9").containsEntry("goal", "ratio >= 0.95").containsEntry("met", "false");
        assertThat(row(summary, "loadbalancer.choose.weighted.instances=100", "upstream-round-robin"))
                .containsEntry("ratio", "1.2").containsEntry("goal", "ratio <= 1.5").containsEntry("met", "true");
        assertThat(row(summary, "zookeeper.ZooKeeperRoundTripBenchmark.getData forceSync=yes (thrpt)", null))
                .containsEntry("value", "2000.0").containsEntry("met", "null");
        assertThat(row(summary, "leader.failover.graceful-stop", null)).containsEntry("met", "false");
        String markdown = Files.readString(this.results.resolve("summary.md"));
        assertThat(markdown).contains("- commit: abc1234").contains("- loadAverage: ").contains("- cores: ")
                .contains("- goals met: 1 of 3");
    }

    @Test
    void writesNothingWhenNoResultsDirectoryIsSet() {
        System.clearProperty(BenchmarkResults.DIRECTORY_PROPERTY);
        BenchmarkResults.record("anything", "median", "ms", 1, null);
        assertThat(this.results).isEmptyDirectory();
    }

    private static Map<String, String> row(JsonNode summary, String name, String baseline) {
        for (JsonNode row : summary) {
            if (row.path("name").asString().equals(name)
                    && (baseline == null || baseline.equals(row.path("baseline").asString()))) {
                return Map.of("value", row.path("value").toString(), "baselineValue",
                        row.path("baselineValue").toString(), "ratio", round(row.path("ratio")), "goal",
                        row.path("goal").asString("null"), "met", row.path("met").toString());
            }
        }
        throw new AssertionError("no row " + name + " / " + baseline + " in " + summary);
    }

    private static String round(JsonNode ratio) {
        return ratio.isNumber() ? String.valueOf(Math.round(ratio.asDouble() * 100) / 100.0) : "null";
    }
}
