package dev.meshkeeper.discovery;

import java.util.List;
import org.springframework.cloud.client.ServiceInstance;

/**
 * Hears that the registered instances of a watched service changed: one joined or left, or changed its status or
 * metadata. Called on the cache's event thread, in ZooKeeper's order, once the change is in {@link WatchedInstances}
 * (a read from inside the callback already sees it). Keep it short and never block.
 */
@FunctionalInterface
public interface MembershipListener {

    /**
     * @param serviceId the service whose membership changed
     * @param instances every registered, well-formed instance of it, whatever its status (read
     * {@link WatchedInstances#STATUS_KEY} from the metadata, or call {@link WatchedInstances#isUp})
     */
    void membershipChanged(String serviceId, List<ServiceInstance> instances);
}
