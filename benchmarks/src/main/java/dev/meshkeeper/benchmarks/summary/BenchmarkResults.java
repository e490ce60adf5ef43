package dev.meshkeeper.benchmarks.summary;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import tools.jackson.databind.json.JsonMapper;

/**
 * Where a harness (a benchmark that is not a JMH benchmark) leaves its figures for {@link BenchmarkSummary}: one JSON
 * line per {@link ResultRow} in {@code rows.jsonl} under the directory named by the system property
 * {@value #DIRECTORY_PROPERTY}. Without the property (a harness run by hand) nothing is written.
 */
public final class BenchmarkResults {

    /** The system property naming the results directory ({@code benchmarks/run-all} sets it). */
    public static final String DIRECTORY_PROPERTY = "meshkeeper.benchmarks.results";

    static final String ROWS_FILE = "rows.jsonl";

    private static final JsonMapper json = JsonMapper.builder().build();

    private BenchmarkResults() {
    }

    /** Records one row, if a results directory is set. */
    public static synchronized void record(ResultRow row) {
        String directory = System.getProperty(DIRECTORY_PROPERTY);
        if (directory == null || directory.isBlank()) {
            return;
        }
        try {
            Path file = Path.of(directory).resolve(ROWS_FILE);
            Files.createDirectories(file.getParent());
            Files.writeString(file, json.writeValueAsString(BenchmarkSummary.toJson(row)) + "\n",
                    StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        }
        catch (IOException ex) {
            throw new UncheckedIOException("Could not record the benchmark row " + row.name() + " in " + directory,
                    ex);
        }
    }

    /** Records a figure compared with a baseline measured in the same run. */
    public static void record(String name, String metric, String unit, double value, String baseline,
            double baselineValue, Goal goal) {
        record(new ResultRow(name, metric, unit, value, baseline, baselineValue, goal));
    }

    /** Records a figure without a baseline. */
    public static void record(String name, String metric, String unit, double value, Goal goal) {
        record(new ResultRow(name, metric, unit, value, null, null, goal));
    }
}
