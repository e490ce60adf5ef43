package dev.meshkeeper.discovery;

import org.apache.curator.framework.recipes.cache.ChildData;
import org.apache.curator.framework.recipes.cache.CuratorCacheListener;
import org.apache.curator.utils.ZKPaths;
import org.springframework.cloud.client.ServiceInstance;

/**
 * Applies what a service's cache reports about one registration node (created, changed, deleted, or read again
 * after a reconnect) to its {@link WatchedService}: reads the node, keeps or removes the instance (the removal grace
 * decides for the last UP one), publishes the new list and tells the listeners once the service has loaded. Nodes
 * other than the service's direct children are ignored.
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

    void apply(WatchedService service, CuratorCacheListener.Type type, ChildData oldData, ChildData data) {
        ChildData node = (data != null) ? data : oldData;
        if (node == null || !service.path.equals(ZKPaths.getPathAndNode(node.getPath()).getPath())) {
            return;
        }
        String id = ZKPaths.getNodeFromPath(node.getPath());
        boolean lingers = false;
        synchronized (service) {
            if (type == CuratorCacheListener.Type.NODE_DELETED) {
                this.reader.forget(node.getPath());
                lingers = this.removalGrace.vanished(service, id, service.byId.remove(id));
            }
            else {
                ServiceInstance instance = this.reader.read(service.serviceId, node);
                if (instance != null) {
                    service.byId.put(id, instance);
                }
                else {
                    service.byId.remove(id);
                }
                this.removalGrace.present(service, id);
            }
            service.publish();
        }
        if (service.isLoaded() && !lingers) {
            this.listeners.changed(service);
        }
    }
}
