package dev.meshkeeper.discovery;

import java.util.List;
import org.apache.curator.framework.recipes.cache.ChildData;
import org.apache.curator.utils.ZKPaths;
import org.springframework.cloud.client.ServiceInstance;

/**
 * Applies what a service's watch reports about its registration nodes (read — created, changed, or read again after
 * a reconnect — or deleted) to its {@link WatchedService}: reads each node, keeps or removes the instance (the
 * removal grace decides for the last UP one), publishes the new list and tells the listeners once the service has
 * loaded. Nodes other than the service's direct children are ignored. Nodes read together are published once.
 */
final class RegistrationChanges {

    private final RegistrationReader reader;

    private final RemovalGrace removalGrace;

    private final MembershipListeners listeners;

    RegistrationChanges(RegistrationReader reader, RemovalGrace removalGrace, MembershipListeners listeners) {
        this.reader = reader;
        this.removalGrace = removalGrace;
        this.listeners = listeners;
    }

    /**
     * Nodes read together (a full read's batch): each is applied as a created or changed registration, the new list
     * is published once and the listeners hear of it once.
     */
    void read(WatchedService service, List<ChildData> nodes) {
        if (nodes.isEmpty()) {
            return;
        }
        synchronized (service) {
            for (ChildData node : nodes) {
                if (isRegistration(service, node)) {
                    String id = ZKPaths.getNodeFromPath(node.getPath());
                    put(service, id, node);
                }
            }
            service.publish();
        }
        if (service.isLoaded()) {
            this.listeners.changed(service);
        }
    }

    /** The registration node at {@code path} was deleted: removed, unless the removal grace keeps it listed. */
    void deleted(WatchedService service, String path) {
        if (!service.path.equals(ZKPaths.getPathAndNode(path).getPath())) {
            return;
        }
        String id = ZKPaths.getNodeFromPath(path);
        boolean lingers;
        synchronized (service) {
            this.reader.forget(path);
            lingers = this.removalGrace.vanished(service, id, service.byId.remove(id));
            service.publish();
        }
        if (service.isLoaded() && !lingers) {
            this.listeners.changed(service);
        }
    }

    /** Whether the node is one of the service's direct children, a registration. */
    private static boolean isRegistration(WatchedService service, ChildData node) {
        return node != null && service.path.equals(ZKPaths.getPathAndNode(node.getPath()).getPath());
    }

    /** Reads a created or changed registration into the service. Called holding the service's lock. */
    private void put(WatchedService service, String id, ChildData node) {
        ServiceInstance instance = this.reader.read(service.serviceId, node);
        if (instance != null) {
            service.byId.put(id, instance);
        }
        else {
            service.byId.remove(id);
        }
        this.removalGrace.present(service, id);
    }
}
