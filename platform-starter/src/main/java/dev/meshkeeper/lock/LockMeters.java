package dev.meshkeeper.lock;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.LongTaskTimer;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

/**
 * The lock meters: {@code meshkeeper.lock.acquire} (timer by outcome), {@code meshkeeper.lock.held} (long-task
 * timer) and {@code meshkeeper.lock.lost} (counter), each tagged {@code lock} with the lock's meter name.
 */
final class LockMeters {

    private final MeterRegistry registry;

    LockMeters(MeterRegistry registry) {
        this.registry = registry;
    }

    /** Starts timing an acquisition; the returned sample is stopped with its outcome. */
    Acquisition startAcquire(String meterName) {
        return new Acquisition(Timer.start(this.registry), meterName);
    }

    /** Starts timing a hold; running the returned action stops it. */
    Runnable startHolding(String meterName) {
        LongTaskTimer.Sample holding = LongTaskTimer.builder("meshkeeper.lock.held")
                .description("Time lock leases of this instance are held").tag("lock", meterName)
                .register(this.registry).start();
        return holding::stop;
    }

    void lost(String meterName) {
        Counter.builder("meshkeeper.lock.lost").description("Lock leases lost to a connection problem")
                .tag("lock", meterName).register(this.registry).increment();
    }

    /** One acquisition being timed. */
    final class Acquisition {

        private final Timer.Sample sample;

        private final String meterName;

        private Acquisition(Timer.Sample sample, String meterName) {
            this.sample = sample;
            this.meterName = meterName;
        }

        /** @param outcome {@code acquired}, {@code timeout}, {@code unavailable} or {@code error} */
        void stop(String outcome) {
            this.sample.stop(Timer.builder("meshkeeper.lock.acquire")
                    .description("Time to acquire a lock, by outcome").tag("lock", this.meterName)
                    .tag("outcome", outcome).register(LockMeters.this.registry));
        }
    }
}
