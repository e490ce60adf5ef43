package dev.meshkeeper.benchmarks.summary;

/**
 * One line of the benchmark summary: a measured value, the baseline it is compared with (measured in the same run),
 * their ratio ({@code value / baselineValue}) and whether the goal is met.
 *
 * @param name what was measured, e.g. {@code lock.uncontended}
 * @param metric the figure, e.g. {@code throughput} or {@code p99}
 * @param unit the unit of {@code value} and {@code baselineValue}
 * @param value the measured value
 * @param baseline what the value is compared with, or {@code null}
 * @param baselineValue the baseline's value, or {@code null}
 * @param goal the goal, or {@code null} when the row only reports
 */
public record ResultRow(String name, String metric, String unit, double value, String baseline, Double baselineValue,
        Goal goal) {

    /** {@code value / baselineValue}, or {@code null} without a baseline. */
    public Double ratio() {
        return (this.baselineValue == null || this.baselineValue == 0) ? null : this.value / this.baselineValue;
    }

    /** Whether the goal is met, or {@code null} when there is no goal (or the ratio it needs is missing). */
    public Boolean met() {
        return (this.goal != null) ? this.goal.isMetBy(this) : null;
    }
}
