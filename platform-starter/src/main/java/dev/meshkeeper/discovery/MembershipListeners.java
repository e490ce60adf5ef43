package dev.meshkeeper.discovery;

import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.cloud.client.ServiceInstance;

/** The {@link MembershipListener}s of every watched service; a listener that throws is logged, the others still hear. */
final class MembershipListeners {

    private static final Logger logger = LoggerFactory.getLogger(WatchedInstances.class);

    private final List<MembershipListener> listeners = new CopyOnWriteArrayList<>();

    void add(MembershipListener listener) {
        this.listeners.add(Objects.requireNonNull(listener, "listener"));
    }

    void remove(MembershipListener listener) {
        this.listeners.remove(listener);
    }

    /**
     * Tells the listeners the list the service published last, not one a caller published: the cache's thread and
     * the grace timer may publish one after the other and notify in the opposite order, and the last word must be the
     * current list.
     */
    void changed(WatchedService service) {
        List<ServiceInstance> instances = service.instances();
        for (MembershipListener listener : this.listeners) {
            try {
                listener.membershipChanged(service.serviceId, instances);
            }
            catch (RuntimeException ex) {
                logger.warn("Membership listener " + listener + " failed for service " + service.serviceId, ex);
            }
        }
    }
}
