package dev.meshkeeper.topology;

/**
 * Calls over the last 60 seconds: calls per second, the share that failed (0 to 1) and latency percentiles in
 * milliseconds ({@code null} when no call's latency is known).
 */
record CallFigures(double callsPerSecond, double errorRate, Double p50Millis, Double p90Millis, Double p99Millis) {

    /**
     * Whether {@code other} differs enough to be worth a write: a rate by more than 10% (and 0.1 calls/s), the error
     * rate by more than 0.02, a percentile by more than 30% (more than one histogram bin, and 1 ms). Smaller moves are
     * the noise of a steady load and are not written.
     */
    boolean differsFrom(CallFigures other) {
        return other == null || TopologyReport.moved(this.callsPerSecond, other.callsPerSecond, 0.1, 0.1)
                || TopologyReport.moved(this.errorRate, other.errorRate, 0.02, 0.1)
                || TopologyReport.moved(this.p50Millis, other.p50Millis, 1.0, 0.3)
                || TopologyReport.moved(this.p90Millis, other.p90Millis, 1.0, 0.3)
                || TopologyReport.moved(this.p99Millis, other.p99Millis, 1.0, 0.3);
    }
}
