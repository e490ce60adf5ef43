package dev.meshkeeper.benchmarks.summary;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * Writes {@code summary.md} and {@code summary.json} from one run of {@code benchmarks/run-all}: the JMH results in
 * {@code <results>/jmh/*.json} and the harness rows in {@code <results>/rows.jsonl}, with the commit, the machine and
 * the load average in {@code summary.md} and {@code environment.json}.
 * <p>
 * Usage: {@code BenchmarkSummary <results directory> [commit]}.
 */
public final class BenchmarkSummary {

    private static final JsonMapper json = JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).build();

    private BenchmarkSummary() {
    }

    public static void main(String[] args) throws IOException {
        if (args.length < 1) {
            throw new IllegalArgumentException("Usage: BenchmarkSummary <results directory> [commit]");
        }
        Path results = Path.of(args[0]);
        String commit = (args.length > 1) ? args[1] : "unknown";
        List<ResultRow> rows = new ArrayList<>(new Comparisons(jmhScores(results.resolve("jmh"))).rows());
        rows.addAll(harnessRows(results.resolve(BenchmarkResults.ROWS_FILE)));
        Map<String, Object> environment = environment(commit);
        Files.writeString(results.resolve("summary.json"),
                json.writeValueAsString(rows.stream().map(BenchmarkSummary::toJson).toList()), StandardCharsets.UTF_8);
        Files.writeString(results.resolve("environment.json"), json.writeValueAsString(environment),
                StandardCharsets.UTF_8);
        String markdown = markdown(rows, environment);
        Files.writeString(results.resolve("summary.md"), markdown, StandardCharsets.UTF_8);
        System.out.print(markdown);
    }

    static List<JmhScore> jmhScores(Path directory) throws IOException {
        List<JmhScore> scores = new ArrayList<>();
        if (!Files.isDirectory(directory)) {
            return scores;
        }
        try (Stream<Path> files = Files.list(directory)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".json")).sorted().toList()) {
                if (Files.size(file) == 0) {
                    continue;
                }
                for (JsonNode result : json.readTree(file.toFile())) {
                    scores.add(JmhScore.of(result));
                }
            }
        }
        return scores;
    }

    static List<ResultRow> harnessRows(Path file) throws IOException {
        List<ResultRow> rows = new ArrayList<>();
        if (!Files.exists(file)) {
            return rows;
        }
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            if (!line.isBlank()) {
                rows.add(fromJson(json.readTree(line)));
            }
        }
        return rows;
    }

    static Map<String, Object> toJson(ResultRow row) {
        Map<String, Object> object = new LinkedHashMap<>();
        object.put("name", row.name());
        object.put("metric", row.metric());
        object.put("unit", row.unit());
        object.put("value", finite(row.value()));
        object.put("baseline", row.baseline());
        object.put("baselineValue", finite(row.baselineValue()));
        object.put("ratio", finite(row.ratio()));
        object.put("goal", (row.goal() != null) ? row.goal().toString() : null);
        object.put("met", row.met());
        return object;
    }

    /** JSON has no NaN or infinity: a figure JMH could not give is {@code null}. */
    private static Double finite(Double value) {
        return (value == null || value.isNaN() || value.isInfinite()) ? null : value;
    }

    private static ResultRow fromJson(JsonNode row) {
        JsonNode baselineValue = row.path("baselineValue");
        return new ResultRow(row.path("name").asString(), row.path("metric").asString(), row.path("unit").asString(),
                row.path("value").isNumber() ? row.path("value").asDouble() : Double.NaN, row.path("baseline").isString() ? row.path("baseline").asString() : null,
                baselineValue.isNumber() ? baselineValue.asDouble() : null, goal(row.path("goal")));
    }

    private static Goal goal(JsonNode goal) {
        if (!goal.isString()) {
            return null;
        }
        String[] parts = goal.asString().split(" ");
        return new Goal(parts[0], parts[1].equals(">="), Double.parseDouble(parts[2]));
    }

    private static Map<String, Object> environment(String commit) {
        Map<String, Object> environment = new LinkedHashMap<>();
        environment.put("commit", commit);
        environment.put("at", Instant.now().toString());
        environment.put("cores", Runtime.getRuntime().availableProcessors());
        environment.put("os", System.getProperty("os.name") + " " + System.getProperty("os.version") + " "
                + System.getProperty("os.arch"));
        environment.put("java", System.getProperty("java.vm.name") + " " + System.getProperty("java.version"));
        environment.put("loadAverage", loadAverage());
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
            environment.put("memoryBytes", os.getTotalMemorySize());
        }
        String before = System.getenv("MESHKEEPER_LOAD_BEFORE");
        if (before != null && !before.isBlank()) {
            environment.put("loadAverageBefore", before.trim());
        }
        return environment;
    }

    private static String loadAverage() {
        try {
            String[] fields = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
            return fields[0] + " " + fields[1] + " " + fields[2];
        }
        catch (IOException | RuntimeException ex) {
            return String.format(Locale.ROOT, "%.2f", ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
        }
    }

    static String markdown(List<ResultRow> rows, Map<String, Object> environment) {
        StringBuilder md = new StringBuilder("# Benchmark summary\n\n");
        environment.forEach((key, value) -> md.append("- ").append(key).append(": ").append(value).append('\n'));
        long goals = rows.stream().filter(r -> r.met() != null).count();
        long met = rows.stream().filter(r -> Boolean.TRUE.equals(r.met())).count();
        md.append(String.format(Locale.ROOT, "- goals met: %d of %d%n%n", met, goals));
        md.append("| name | metric | value | baseline | ratio | goal | met |\n|---|---|---|---|---|---|---|\n");
        for (ResultRow row : rows) {
            md.append(String.format(Locale.ROOT, "| %s | %s | %s %s | %s | %s | %s | %s |%n", row.name(), row.metric(),
                    number(row.value()), row.unit(),
                    (row.baseline() != null) ? row.baseline() + " " + number(row.baselineValue()) : "",
                    (row.ratio() != null) ? number(row.ratio()) + "×" : "",
                    (row.goal() != null) ? row.goal() : "",
                    (row.met() == null) ? "" : row.met() ? "yes" : "**no**"));
        }
        return md.toString();
    }

    static String number(Double value) {
        if (value == null || value.isNaN()) {
            return "–";
        }
        double magnitude = Math.abs(value);
        String pattern = (magnitude >= 100) ? "%.0f" : (magnitude >= 10) ? "%.1f" : (magnitude >= 1) ? "%.2f" : "%.3f";
        return String.format(Locale.ROOT, pattern, value);
    }
}
