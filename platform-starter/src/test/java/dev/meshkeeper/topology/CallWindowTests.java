package dev.meshkeeper.topology;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class CallWindowTests {

    @Test
    void ratesErrorsAndPercentilesCoverTheLastSixtySeconds() {
        CallWindow window = new CallWindow();
        long start = 1_000_000L;
        for (int i = 0; i < 120; i++) {
            // 2 calls a second for 60 s: 1 in 10 fails; latencies 10 ms except every 50th call at 500 ms
            window.record(start + i * 500L, (i % 50 == 49) ? 500_000_000L : 10_000_000L, i % 10 == 0);
        }
        CallFigures figures = window.figures(start + 59_999);
        assertThat(figures.callsPerSecond()).isEqualTo(2.0);
        assertThat(figures.errorRate()).isEqualTo(0.1);
        assertThat(figures.p50Millis()).isBetween(10.0, 12.5);
        assertThat(figures.p99Millis()).isBetween(500.0, 625.0);
    }

    @Test
    void callsOlderThanSixtySecondsAreForgotten() {
        CallWindow window = new CallWindow();
        window.record(0, 1_000_000, true);
        window.record(30_000, 1_000_000, false);
        assertThat(window.figures(59_999).callsPerSecond()).isEqualTo(round(2 / 60.0));
        assertThat(window.figures(60_000).errorRate()).isEqualTo(0.0);
        assertThat(window.figures(90_000)).isNull();
    }

    @Test
    void aCallWithoutKnownLatencyCountsWithoutPercentiles() {
        CallWindow window = new CallWindow();
        window.record(0, -1, false);
        assertThat(window.figures(0).callsPerSecond()).isEqualTo(round(1 / 60.0));
        assertThat(window.figures(0).p99Millis()).isNull();
    }

    @Test
    void aReportIsWorthWritingOnlyWhenAFigureMovedMaterially() {
        CallFigures steady = new CallFigures(10.0, 0.0, 5.0, 8.0, 12.0);
        TopologyReport written = new TopologyReport("a", "a-1", "UP", 3, 0.2, steady, Map.of("b", steady));
        assertThat(new TopologyReport("a", "a-1", "UP", 3, 0.21, new CallFigures(10.5, 0.0, 5.4, 8.2, 12.5),
                Map.of("b", new CallFigures(9.6, 0.004, 5.0, 8.0, 12.9))).differsFrom(written)).isFalse();
        assertThat(new TopologyReport("a", "a-1", "OUT_OF_SERVICE", 3, 0.2, steady, Map.of("b", steady))
                .differsFrom(written)).isTrue();
        assertThat(new TopologyReport("a", "a-1", "UP", 3, 0.2, steady, Map.of()).differsFrom(written)).isTrue();
        assertThat(new TopologyReport("a", "a-1", "UP", 3, 0.2, steady,
                Map.of("b", new CallFigures(10.0, 0.05, 5.0, 8.0, 12.0))).differsFrom(written)).isTrue();
        assertThat(new TopologyReport("a", "a-1", "UP", 4, 0.2, steady,
                Map.of("b", new CallFigures(10.0, 0.015, 5.0, 8.0, 15.0))).differsFrom(written))
                .as("one more request in flight, 1.5% errors, p99 one histogram bin up").isFalse();
        assertThat(new TopologyReport("a", "a-1", "UP", 3, 0.2, steady,
                Map.of("b", new CallFigures(10.0, 0.0, 5.0, 8.0, 40.0))).differsFrom(written)).isTrue();
        assertThat(new TopologyReport("a", "a-1", "UP", 9, 0.2, steady, Map.of("b", steady)).differsFrom(written))
                .isTrue();
    }

    private static double round(double value) {
        return Math.round(value * 100) / 100.0;
    }
}
