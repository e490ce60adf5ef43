package dev.meshkeeper.topology;

/**
 * Calls over the last 60 seconds, in one-second slots: how many, how many failed, and their latencies in a
 * histogram of exponential bins (each 25% wider than the one before, from 0.1 ms), so percentiles cost a fixed
 * amount of memory whatever the call rate. A percentile is the upper bound of its bin (at most 25% above the true
 * value). Thread-safe; a call is recorded in constant time.
 */
final class CallWindow {

    static final int SECONDS = 60;

    private static final double FIRST_BOUND_MILLIS = 0.1;

    private static final double GROWTH = 1.25;

    private static final int BINS = 64;

    private final long[] slotSecond = new long[SECONDS];

    private final long[] calls = new long[SECONDS];

    private final long[] errors = new long[SECONDS];

    private final long[][] latencies = new long[SECONDS][BINS];

    CallWindow() {
        java.util.Arrays.fill(this.slotSecond, Long.MIN_VALUE);
    }

    /**
     * One call that ended at {@code nowMillis}.
     * @param latencyNanos its latency, negative when unknown (counted without a latency)
     * @param failed whether it failed
     */
    synchronized void record(long nowMillis, long latencyNanos, boolean failed) {
        int slot = slot(nowMillis);
        this.calls[slot]++;
        if (failed) {
            this.errors[slot]++;
        }
        if (latencyNanos >= 0) {
            this.latencies[slot][bin(latencyNanos / 1_000_000.0)]++;
        }
    }

    /** The figures of the 60 seconds up to {@code nowMillis}; {@code null} when no call ended in them. */
    synchronized CallFigures figures(long nowMillis) {
        long second = Math.floorDiv(nowMillis, 1000L);
        long total = 0;
        long failed = 0;
        long[] histogram = new long[BINS];
        for (int i = 0; i < SECONDS; i++) {
            if (this.slotSecond[i] > second - SECONDS && this.slotSecond[i] <= second) {
                total += this.calls[i];
                failed += this.errors[i];
                for (int b = 0; b < BINS; b++) {
                    histogram[b] += this.latencies[i][b];
                }
            }
        }
        if (total == 0) {
            return null;
        }
        return new CallFigures(round((double) total / SECONDS, 100), round((double) failed / total, 1000),
                percentile(histogram, 0.50), percentile(histogram, 0.90), percentile(histogram, 0.99));
    }

    private int slot(long nowMillis) {
        long second = Math.floorDiv(nowMillis, 1000L);
        int slot = (int) Math.floorMod(second, (long) SECONDS);
        if (this.slotSecond[slot] != second) {
            this.slotSecond[slot] = second;
            this.calls[slot] = 0;
            this.errors[slot] = 0;
            java.util.Arrays.fill(this.latencies[slot], 0);
        }
        return slot;
    }

    private static int bin(double millis) {
        if (millis <= FIRST_BOUND_MILLIS) {
            return 0;
        }
        int bin = (int) Math.ceil(Math.log(millis / FIRST_BOUND_MILLIS) / Math.log(GROWTH));
        return Math.min(bin, BINS - 1);
    }

    private static Double percentile(long[] histogram, double quantile) {
        long count = 0;
        for (long value : histogram) {
            count += value;
        }
        if (count == 0) {
            return null;
        }
        long rank = (long) Math.ceil(quantile * count);
        long seen = 0;
        for (int b = 0; b < BINS; b++) {
            seen += histogram[b];
            if (seen >= rank) {
                return round(FIRST_BOUND_MILLIS * Math.pow(GROWTH, b), 10);
            }
        }
        return round(FIRST_BOUND_MILLIS * Math.pow(GROWTH, BINS - 1), 10);
    }

    private static double round(double value, int scale) {
        return Math.round(value * scale) / (double) scale;
    }
}
