package dev.meshkeeper.topology;

import java.time.Clock;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The calls this application made through the load balancer (one {@link CallWindow} per called service) and the
 * requests it served, over the last 60 seconds. Fed by {@link CallObservingLifecycle} and
 * {@link ServedRequestsFilter}; read by {@link TopologyPublisher}.
 */
final class ObservedCalls {

    private final Clock clock;

    private final Map<String, CallWindow> calls = new ConcurrentHashMap<>();

    private final CallWindow served = new CallWindow();

    ObservedCalls(Clock clock) {
        this.clock = clock;
    }

    /** A call to {@code service} ended; {@code latencyNanos} is negative when unknown. */
    void called(String service, long latencyNanos, boolean failed) {
        this.calls.computeIfAbsent(service, (name) -> new CallWindow()).record(this.clock.millis(), latencyNanos,
                failed);
    }

    /** A request this application served ended. */
    void served(long latencyNanos, boolean failed) {
        this.served.record(this.clock.millis(), latencyNanos, failed);
    }

    /** Per called service (by name), the figures of the last 60 s; services not called in them are left out. */
    Map<String, CallFigures> callFigures() {
        long now = this.clock.millis();
        Map<String, CallFigures> figures = new TreeMap<>();
        this.calls.forEach((service, window) -> {
            CallFigures current = window.figures(now);
            if (current != null) {
                figures.put(service, current);
            }
        });
        return figures;
    }

    /** The served requests of the last 60 s, {@code null} when none ended in them. */
    CallFigures servedFigures() {
        return this.served.figures(this.clock.millis());
    }
}
