package dev.meshkeeper.discovery;

import dev.meshkeeper.zookeeper.ZooKeeperRequests;
import dev.meshkeeper.zookeeper.ZooKeeperUnavailableException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import org.apache.curator.utils.ZKPaths;
import org.apache.curator.x.discovery.ServiceDiscovery;
import org.apache.curator.x.discovery.ServiceInstance;
import org.apache.curator.x.discovery.details.InstanceSerializer;
import org.apache.zookeeper.KeeperException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.cloud.zookeeper.discovery.ZookeeperInstance;

/**
 * Writes the registration held in memory to the instance's node. While the connection is down nothing is written
 * (the write would block for Curator's whole retry budget): Curator writes the registration when it re-registers the
 * instance on reconnection, and one WARN is logged per outage. A write made while connected waits at most the
 * operation timeout when it goes through {@link ZooKeeperRequests}.
 */
final class RegistrationNodeWriter {

    private static final Logger logger = LoggerFactory.getLogger(InstanceRegistration.class);

    private final ServiceDiscovery<ZookeeperInstance> serviceDiscovery;

    private final String root;

    private final BooleanSupplier connected;

    private final ZooKeeperRequests requests;

    private final InstanceSerializer<ZookeeperInstance> serializer;

    /** Whether the current outage has been reported; cleared by the next write that reaches ZooKeeper. */
    private final AtomicBoolean outageReported = new AtomicBoolean();

    /**
     * @param requests bounds each write by the operation timeout; {@code null} writes through
     * {@link ServiceDiscovery#updateService} (bounded only by Curator's retry policy)
     */
    RegistrationNodeWriter(ServiceDiscovery<ZookeeperInstance> serviceDiscovery, String root,
            BooleanSupplier connected, ZooKeeperRequests requests, InstanceSerializer<ZookeeperInstance> serializer) {
        this.serviceDiscovery = serviceDiscovery;
        this.root = root;
        this.connected = connected;
        this.requests = requests;
        this.serializer = serializer;
    }

    boolean isConnected() {
        return this.connected.getAsBoolean();
    }

    /**
     * Writes the instance's registration as it is in memory.
     * @return whether ZooKeeper has it, or the instance is not registered (then the registration carries it)
     */
    boolean write(ServiceInstance<ZookeeperInstance> instance) {
        if (!isConnected()) {
            reportOutage("ZooKeeper is not connected", instance);
            return false;
        }
        try {
            writeNode(instance);
            this.outageReported.set(false);
            logger.debug("Wrote metadata of " + instance.getId() + ": " + instance.getPayload().getMetadata());
            return true;
        }
        catch (ZooKeeperUnavailableException ex) {
            reportOutage(ex.getMessage(), instance);
            return false;
        }
        catch (KeeperException.NoNodeException ex) {
            // Not registered (yet or any more): the change is part of the registration when it happens.
            logger.debug("Instance " + instance.getId() + " is not registered; kept its metadata for it");
            return true;
        }
        catch (KeeperException ex) {
            logger.warn("Could not write the registration of " + instance.getId() + " to ZooKeeper (" + ex.code()
                    + "); the change is kept and written when Curator re-registers the instance on reconnection");
            return false;
        }
        catch (Exception ex) {
            // Curator refuses updates of an instance that is not registered (yet or any more): the change is
            // part of the registration when it happens.
            logger.debug("Instance " + instance.getId() + " is not registered; kept its metadata for it");
            return true;
        }
    }

    private void writeNode(ServiceInstance<ZookeeperInstance> instance) throws Exception {
        if (this.requests == null) {
            this.serviceDiscovery.updateService(instance);
            return;
        }
        String path = ZKPaths.makePath(this.root, instance.getName(), instance.getId());
        byte[] bytes = this.serializer.serialize(instance);
        this.requests.call("set", path, (client, callback) -> client.setData().inBackground(callback)
                .forPath(path, bytes));
    }

    private void reportOutage(String reason, ServiceInstance<ZookeeperInstance> instance) {
        String message = reason + ": the registration of " + instance.getId() + " keeps "
                + instance.getPayload().getMetadata()
                + " in memory; Curator writes it when it re-registers the instance on reconnection";
        if (this.outageReported.compareAndSet(false, true)) {
            logger.warn(message);
        }
        else {
            logger.debug(message);
        }
    }
}
