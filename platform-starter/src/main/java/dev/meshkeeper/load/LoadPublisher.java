package dev.meshkeeper.load;

import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes this instance's load into its registration metadata: on each {@link #tick()}, at most once per publish
 * interval (by the injected clock) and only when the load moved by more than the hysteresis from the value last
 * written, so a steady instance writes nothing. While ZooKeeper is not connected nothing is written; the first tick
 * after a reconnection writes the current value whatever the hysteresis says.
 */
final class LoadPublisher {

    private static final Logger logger = LoggerFactory.getLogger(LoadPublisher.class);

    private final LoadMeter meter;

    private final Consumer<String> writer;

    private final BooleanSupplier connected;

    private final LongSupplier connectionEpoch;

    private final Clock clock;

    private final long intervalMillis;

    private final double hysteresis;

    /** What was last written, when, and on which connection; changed by the ticking thread. */
    private final AtomicReference<Written> written = new AtomicReference<>();

    /**
     * @param writer writes the formatted value into the registration metadata
     * @param connected whether ZooKeeper is connected now (the connection monitor's answer)
     * @param connectionEpoch the connection monitor's epoch, which grows at every (re)connection
     */
    LoadPublisher(LoadMeter meter, Consumer<String> writer, BooleanSupplier connected, LongSupplier connectionEpoch,
            Clock clock, Duration interval, double hysteresis) {
        this.meter = meter;
        this.writer = writer;
        this.connected = connected;
        this.connectionEpoch = connectionEpoch;
        this.clock = clock;
        this.intervalMillis = interval.toMillis();
        this.hysteresis = hysteresis;
    }

    /**
     * Samples the load and writes it when due.
     * @return whether a value was written
     */
    boolean tick() {
        this.meter.sampleCpu();
        if (!this.connected.getAsBoolean()) {
            return false;
        }
        long now = this.clock.millis();
        double load = this.meter.current();
        long epoch = this.connectionEpoch.getAsLong();
        Written last = this.written.get();
        if (last != null) {
            if (now - last.atMillis() < this.intervalMillis) {
                return false;
            }
            boolean reconnected = epoch != last.connectionEpoch();
            // The tolerance keeps a move of exactly the hysteresis (0.10 after 0.05) from counting as more.
            if (!reconnected && Math.abs(load - last.load()) <= this.hysteresis + 1e-9) {
                return false;
            }
        }
        String text = LoadFigure.format(load);
        try {
            this.writer.accept(text);
        }
        catch (RuntimeException ex) {
            logger.debug("Could not write load {} into the registration metadata; next tick retries", text, ex);
            return false;
        }
        this.written.set(new Written(LoadFigure.parse(text), now, epoch));
        return true;
    }

    private record Written(double load, long atMillis, long connectionEpoch) {
    }
}
