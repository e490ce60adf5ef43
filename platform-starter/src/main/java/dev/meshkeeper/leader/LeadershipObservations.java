package dev.meshkeeper.leader;

import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import org.springframework.context.ApplicationEvent;
import org.springframework.context.event.SmartApplicationListener;

/**
 * Observes every leadership change of this instance as a {@value #OBSERVATION} observation (with a tracer a span,
 * with Micrometer's meter handler a timer): low-cardinality {@code group} and {@code outcome} ({@code granted} or
 * {@code revoked}); high-cardinality {@code instance.id} and, for a revocation, {@code reason} ({@code suspended},
 * {@code lost}, {@code yielded}, {@code not-ready}, {@code shutdown} or {@code latch}). It follows the
 * {@link LeadershipGrantedEvent}s and {@link LeadershipRevokedEvent}s, so a revocation on connection loss is observed
 * at the moment of the suspension, on the thread that published it. Nothing is observed with
 * {@link ObservationRegistry#NOOP}.
 */
final class LeadershipObservations implements SmartApplicationListener {

    /** The name of the observation of a leadership change. */
    static final String OBSERVATION = "meshkeeper.leadership.change";

    private final ObservationRegistry observations;

    LeadershipObservations(ObservationRegistry observations) {
        this.observations = observations;
    }

    @Override
    public boolean supportsEventType(Class<? extends ApplicationEvent> eventType) {
        return LeadershipGrantedEvent.class.isAssignableFrom(eventType)
                || LeadershipRevokedEvent.class.isAssignableFrom(eventType);
    }

    @Override
    public void onApplicationEvent(ApplicationEvent event) {
        if (this.observations.isNoop()) {
            return;
        }
        if (event instanceof LeadershipGrantedEvent granted) {
            observe(granted.getGroup(), "granted", granted.getInstanceId()).start().stop();
        }
        else if (event instanceof LeadershipRevokedEvent revoked) {
            observe(revoked.getGroup(), "revoked", revoked.getInstanceId())
                    .highCardinalityKeyValue("reason", revoked.getReason()).start().stop();
        }
    }

    private Observation observe(String group, String outcome, String instanceId) {
        return Observation.createNotStarted(OBSERVATION, this.observations)
                .contextualName("leadership " + outcome + " " + group).lowCardinalityKeyValue("group", group)
                .lowCardinalityKeyValue("outcome", outcome)
                .highCardinalityKeyValue("instance.id", (instanceId != null) ? instanceId : "unknown");
    }
}
