package dev.meshkeeper.topology;

import dev.meshkeeper.discovery.InFlightRequests;
import dev.meshkeeper.discovery.InstanceRegistration;
import dev.meshkeeper.load.LoadFigure;
import java.util.function.Supplier;
import org.springframework.beans.factory.ObjectProvider;

/**
 * This instance's {@link TopologyReport} now: its identity and status from its registration, its requests in
 * flight, the load it publishes (its registration's {@value LoadFigure#METADATA_KEY} metadata) and the observed
 * calls. {@code null} while the application has no registration (it then reports nothing).
 */
final class LocalTopology implements Supplier<TopologyReport> {

    private final ObjectProvider<InstanceRegistration> registration;

    private final ObjectProvider<InFlightRequests> inFlight;

    private final ObservedCalls calls;

    LocalTopology(ObjectProvider<InstanceRegistration> registration, ObjectProvider<InFlightRequests> inFlight,
            ObservedCalls calls) {
        this.registration = registration;
        this.inFlight = inFlight;
        this.calls = calls;
    }

    @Override
    public TopologyReport get() {
        InstanceRegistration own = this.registration.getIfAvailable();
        if (own == null || own.serviceId() == null || own.instanceId() == null) {
            return null;
        }
        InFlightRequests requests = this.inFlight.getIfAvailable();
        double load = LoadFigure.parse(own.metadata().get(LoadFigure.METADATA_KEY));
        return new TopologyReport(own.serviceId(), own.instanceId(), own.status(),
                (requests != null) ? requests.current() : 0, Double.isNaN(load) ? null : load,
                this.calls.servedFigures(), this.calls.callFigures());
    }
}
