package dev.meshkeeper.load;

import dev.meshkeeper.registry.junit.MutableClock;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class LoadPublisherTests {

    private final MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));

    private final AtomicInteger inFlight = new AtomicInteger();

    private final AtomicBoolean connected = new AtomicBoolean(true);

    private final AtomicLong reconnects = new AtomicLong();

    private final List<String> writes = new ArrayList<>();

    private final LoadPublisher publisher = new LoadPublisher(new LoadMeter(this.inFlight::get, 100, () -> -1, 0.75),
            this.writes::add, this.connected::get, this.reconnects::get, this.clock, Duration.ofSeconds(1), 0.05);

    @Test
    void firstTickWritesTheCurrentLoad() {
        this.inFlight.set(42);
        assertThat(this.publisher.tick()).isTrue();
        assertThat(this.writes).containsExactly("0.42");
    }

    @Test
    void steadyLoadWritesNothingMore() {
        this.inFlight.set(30);
        this.publisher.tick();
        for (int i = 0; i < 20; i++) {
            this.clock.advance(Duration.ofSeconds(1));
            this.inFlight.set(30 + (i % 3));
            this.publisher.tick();
        }
        assertThat(this.writes).containsExactly("0.30");
    }

    @Test
    void aMoveOfExactlyTheHysteresisIsNotWritten() {
        this.inFlight.set(5);
        this.publisher.tick();
        this.clock.advance(Duration.ofSeconds(1));
        this.inFlight.set(10);
        assertThat(this.publisher.tick()).isFalse();
        this.clock.advance(Duration.ofSeconds(1));
        this.inFlight.set(11);
        assertThat(this.publisher.tick()).isTrue();
        assertThat(this.writes).containsExactly("0.05", "0.11");
    }

    @Test
    void writesAtMostOncePerInterval() {
        this.publisher.tick();
        for (int i = 1; i <= 9; i++) {
            this.clock.advance(Duration.ofMillis(100));
            this.inFlight.set(i * 10);
            this.publisher.tick();
        }
        assertThat(this.writes).containsExactly("0.00");
        this.clock.advance(Duration.ofMillis(100));
        this.publisher.tick();
        assertThat(this.writes).containsExactly("0.00", "0.90");
    }

    @Test
    void nothingIsWrittenWhileZooKeeperIsAwayAndTheCurrentValueOnReconnect() {
        this.inFlight.set(20);
        this.publisher.tick();
        this.connected.set(false);
        this.inFlight.set(80);
        this.clock.advance(Duration.ofSeconds(5));
        assertThat(this.publisher.tick()).isFalse();
        // Back, with a load within the hysteresis of what was written before the outage.
        this.connected.set(true);
        this.reconnects.incrementAndGet();
        this.inFlight.set(22);
        assertThat(this.publisher.tick()).isTrue();
        assertThat(this.writes).containsExactly("0.20", "0.22");
    }

    @Test
    void loadIsClampedAtFullCapacity() {
        this.inFlight.set(250);
        this.publisher.tick();
        assertThat(this.writes).containsExactly("1.00");
    }

    @Test
    void cpuCountsOnlyFromTheThreshold() {
        LoadMeter belowThreshold = new LoadMeter(() -> 10, 100, () -> 0.6, 0.75);
        belowThreshold.sampleCpu();
        assertThat(belowThreshold.current()).isEqualTo(0.10);
        LoadMeter cpuBound = new LoadMeter(() -> 10, 100, () -> 0.9, 0.75);
        cpuBound.sampleCpu();
        assertThat(cpuBound.current()).isEqualTo(0.9);
        LoadMeter busyRequests = new LoadMeter(() -> 95, 100, () -> 0.8, 0.75);
        busyRequests.sampleCpu();
        assertThat(busyRequests.current()).isEqualTo(0.95);
        LoadMeter cpuLeftOut = new LoadMeter(() -> 10, 100, () -> 0.99, 1.5);
        cpuLeftOut.sampleCpu();
        assertThat(cpuLeftOut.current()).isEqualTo(0.10);
    }

    @Test
    void publishedFiguresAreClampedAndUnusableOnesUnknown() {
        assertThat(LoadFigure.format(0.426)).isEqualTo("0.43");
        assertThat(LoadFigure.format(-3)).isEqualTo("0.00");
        assertThat(LoadFigure.parse(" 0.42 ")).isEqualTo(0.42);
        assertThat(LoadFigure.parse("7")).isEqualTo(1.0);
        assertThat(LoadFigure.parse("-0.5")).isEqualTo(0.0);
        assertThat(LoadFigure.parse("NaN")).isNaN();
        assertThat(LoadFigure.parse("Infinity")).isNaN();
        assertThat(LoadFigure.parse("0,42")).isNaN();
        assertThat(LoadFigure.parse(null)).isNaN();
    }
}
