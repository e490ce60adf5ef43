package dev.meshkeeper.registry.junit;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/**
 * A clock a test moves forward by hand, so that periods, grace times and back-offs pass without sleeping: inject it
 * where the code under test takes a {@link Clock}.
 */
public final class MutableClock extends Clock {

    private volatile Instant now;

    /** A clock standing at 2026-01-01T00:00:00Z. */
    public MutableClock() {
        this(Instant.parse("2026-01-01T00:00:00Z"));
    }

    /** A clock standing at {@code now}. */
    public MutableClock(Instant now) {
        this.now = now;
    }

    /** Moves the clock forward by {@code duration}. */
    public void advance(Duration duration) {
        this.now = this.now.plus(duration);
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        return this;
    }

    @Override
    public Instant instant() {
        return this.now;
    }
}
