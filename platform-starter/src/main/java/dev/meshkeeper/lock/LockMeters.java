package dev.meshkeeper.lock;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.LongTaskTimer;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The lock meters: {@code meshkeeper.lock.acquire} (timer by outcome), {@code meshkeeper.lock.held} (long-task
 * timer) and {@code meshkeeper.lock.lost} (counter), each tagged {@code lock} with the lock's meter name; and, when
 * the application has an {@link ObservationRegistry}, the {@code meshkeeper.lock.wait} and
 * {@code meshkeeper.lock.hold} observations (spans for tracing), with the lock's own name as a high-cardinality key.
 */
final class LockMeters {

    private final MeterRegistry registry;

    private final ObservationRegistry observations;

    /** The acquire timers by meter name and outcome, and the hold timers by meter name, registered once each. */
    private final Map<String, Map<String, Timer>> acquireTimers = new ConcurrentHashMap<>();

    private final Map<String, LongTaskTimer> holdTimers = new ConcurrentHashMap<>();

    LockMeters(MeterRegistry registry, ObservationRegistry observations) {
        this.registry = registry;
        this.observations = observations;
    }

    /** Starts timing an acquisition; it is stopped with its outcome. */
    Acquisition startAcquire(String meterName, String lockName) {
        Observation observation = this.observations.isNoop() ? Observation.NOOP
                : Observation.createNotStarted("meshkeeper.lock.wait", this.observations)
                        .contextualName("lock wait " + meterName).lowCardinalityKeyValue("lock", meterName)
                        .highCardinalityKeyValue("lock.name", lockName).start();
        return new Acquisition(Timer.start(this.registry), observation, meterName);
    }

    /** Starts timing the hold of a granted lease. */
    Holding startHolding(GrantedLease lease) {
        LongTaskTimer.Sample sample = this.holdTimers.computeIfAbsent(lease.meterName(), (meterName) -> LongTaskTimer
                .builder("meshkeeper.lock.held").description("Time lock leases of this instance are held")
                .tag("lock", meterName).register(this.registry)).start();
        Observation observation = this.observations.isNoop() ? Observation.NOOP
                : Observation.createNotStarted("meshkeeper.lock.hold", this.observations)
                        .contextualName("lock hold " + lease.meterName())
                        .lowCardinalityKeyValue("lock", lease.meterName())
                        .highCardinalityKeyValue("lock.name", lease.name())
                        .highCardinalityKeyValue("lock.token", Long.toString(lease.fencingToken())).start();
        return new Holding(sample, observation);
    }

    void lost(String meterName) {
        Counter.builder("meshkeeper.lock.lost").description("Lock leases lost to a connection problem")
                .tag("lock", meterName).register(this.registry).increment();
    }

    /** One acquisition being timed. */
    final class Acquisition {

        private final Timer.Sample sample;

        private final Observation observation;

        private final String meterName;

        private Acquisition(Timer.Sample sample, Observation observation, String meterName) {
            this.sample = sample;
            this.observation = observation;
            this.meterName = meterName;
        }

        /** @param outcome {@code acquired}, {@code timeout}, {@code unavailable} or {@code error} */
        void stop(String outcome) {
            this.sample.stop(LockMeters.this.acquireTimers
                    .computeIfAbsent(this.meterName, (meterName) -> new ConcurrentHashMap<>())
                    .computeIfAbsent(outcome, (name) -> Timer.builder("meshkeeper.lock.acquire")
                            .description("Time to acquire a lock, by outcome").tag("lock", this.meterName)
                            .tag("outcome", name).register(LockMeters.this.registry)));
            this.observation.lowCardinalityKeyValue("outcome", outcome).stop();
        }
    }

    /** One lease being held. */
    record Holding(LongTaskTimer.Sample sample, Observation observation) {

        /** The lease was lost to a connection problem (it stays held until closed). */
        void lost() {
            this.observation.event(Observation.Event.of("meshkeeper.lock.lost", "lease lost"));
        }

        /** The lease was released. */
        void stop() {
            this.sample.stop();
            this.observation.stop();
        }
    }
}
