package dev.meshkeeper.discovery;

import dev.meshkeeper.zookeeper.ZooKeeperRequests;
import dev.meshkeeper.zookeeper.ZooKeeperUnavailableException;
import java.util.Deque;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import org.apache.curator.utils.ZKPaths;
import org.apache.curator.x.discovery.ServiceDiscovery;
import org.apache.curator.x.discovery.ServiceInstance;
import org.apache.curator.x.discovery.details.InstanceSerializer;
import org.apache.curator.x.discovery.details.JsonInstanceSerializer;
import org.apache.zookeeper.KeeperException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.cloud.zookeeper.discovery.ZookeeperDiscoveryProperties;
import org.springframework.cloud.zookeeper.discovery.ZookeeperInstance;
import org.springframework.cloud.zookeeper.serviceregistry.ZookeeperRegistration;
import org.springframework.cloud.zookeeper.support.StatusConstants;

/**
 * This instance's registration in ZooKeeper — Spring Cloud Zookeeper's {@link ZookeeperRegistration}, written
 * through Curator's {@link ServiceDiscovery} in the usual format — with its status and metadata changeable at run
 * time. Every change is applied to the registration held in memory first and then written to the instance's node,
 * so it is also what Curator writes when it re-registers the instance after a reconnect or a session expiry.
 * <p>
 * Connection loss: a change made while ZooKeeper is unreachable is kept in memory, without a write that would
 * block the caller for Curator's whole retry budget, and reaches ZooKeeper when Curator re-registers the instance
 * on reconnection; one WARN is logged per outage. A write made while connected waits at most
 * {@code meshkeeper.zookeeper.operation-timeout} (a paused server answers nothing) and is kept in memory the same
 * way when no answer comes. A change made before the instance is registered is part of
 * the registration. An operator who rewrites the node's {@value #STATUS_KEY} or metadata (the registry API does) is
 * followed: the instance adopts what the node says and does not write its own view back.
 */
public class InstanceRegistration {

    /** The metadata key of the status, as in Spring Cloud Zookeeper's {@code StatusConstants}. */
    public static final String STATUS_KEY = StatusConstants.INSTANCE_STATUS_KEY;

    /** Status of an instance that takes traffic. */
    public static final String UP = StatusConstants.STATUS_UP;

    /** Status of an instance that is registered but must not be chosen. */
    public static final String OUT_OF_SERVICE = StatusConstants.STATUS_OUT_OF_SERVICE;

    /** Metadata key of the zone, as Spring Cloud LoadBalancer's zone preference reads it. */
    public static final String ZONE_KEY = "zone";

    /** Metadata key of the balancing weight (an integer of 1 or more). */
    public static final String WEIGHT_KEY = "weight";

    /**
     * The property bounding weights: callers count a higher {@value #WEIGHT_KEY} as this maximum, and an instance
     * configured with more does not start.
     */
    public static final String MAX_WEIGHT_PROPERTY = "meshkeeper.loadbalancer.max-weight";

    /** The default of {@value #MAX_WEIGHT_PROPERTY}. */
    public static final int DEFAULT_MAX_WEIGHT = 100;

    /** Metadata key of the version. */
    public static final String VERSION_KEY = "version";

    private static final Logger logger = LoggerFactory.getLogger(InstanceRegistration.class);

    private static final int MAX_PENDING_WRITES = 64;

    private final ZookeeperRegistration registration;

    private final ServiceDiscovery<ZookeeperInstance> serviceDiscovery;

    private final ZookeeperDiscoveryProperties zookeeperProperties;

    private final String serviceId;

    private final Deque<Map<String, String>> pendingWrites = new ConcurrentLinkedDeque<>();

    private final Object writeLock = new Object();

    private final BooleanSupplier connected;

    private final ZooKeeperRequests requests;

    private final InstanceSerializer<ZookeeperInstance> serializer;

    /** Whether the current outage has been reported; cleared by the next write that reaches ZooKeeper. */
    private final AtomicBoolean outageReported = new AtomicBoolean();

    /**
     * @param registration the application's registration (its metadata already carries the initial status)
     * @param serviceDiscovery the Curator service discovery that registers it
     * @param zookeeperProperties Spring Cloud Zookeeper's discovery properties, whose metadata the registration is
     * built with
     * @param serviceId the service name the registration uses ({@code spring.application.name})
     * @param properties zone, weight and version to add to the metadata
     */
    public InstanceRegistration(ZookeeperRegistration registration, ServiceDiscovery<ZookeeperInstance> serviceDiscovery,
            ZookeeperDiscoveryProperties zookeeperProperties, String serviceId,
            MeshkeeperDiscoveryProperties properties) {
        this(registration, serviceDiscovery, zookeeperProperties, serviceId, properties, () -> true);
    }

    /**
     * @param registration the application's registration (its metadata already carries the initial status)
     * @param serviceDiscovery the Curator service discovery that registers it
     * @param zookeeperProperties Spring Cloud Zookeeper's discovery properties, whose metadata the registration is
     * built with
     * @param serviceId the service name the registration uses ({@code spring.application.name})
     * @param properties zone, weight and version to add to the metadata
     * @param connected whether the ZooKeeper client is connected now: while it is not, a change is kept in memory
     * without a write (which would block the caller for Curator's whole retry budget) and reaches ZooKeeper when
     * Curator re-registers the instance
     */
    public InstanceRegistration(ZookeeperRegistration registration, ServiceDiscovery<ZookeeperInstance> serviceDiscovery,
            ZookeeperDiscoveryProperties zookeeperProperties, String serviceId,
            MeshkeeperDiscoveryProperties properties, BooleanSupplier connected) {
        this(registration, serviceDiscovery, zookeeperProperties, serviceId, properties, connected, null, null);
    }

    /**
     * @param registration the application's registration (its metadata already carries the initial status)
     * @param serviceDiscovery the Curator service discovery that registers it
     * @param zookeeperProperties Spring Cloud Zookeeper's discovery properties, whose metadata the registration is
     * built with
     * @param serviceId the service name the registration uses ({@code spring.application.name})
     * @param properties zone, weight and version to add to the metadata
     * @param connected whether the ZooKeeper client is connected now: while it is not, a change is kept in memory
     * without a write and reaches ZooKeeper when Curator re-registers the instance
     * @param requests writes the instance's node, each write bounded by the operation timeout; {@code null} writes
     * through {@link ServiceDiscovery#updateService} (bounded only by Curator's retry policy)
     * @param serializer how the registration is written, the one the service discovery uses
     */
    public InstanceRegistration(ZookeeperRegistration registration, ServiceDiscovery<ZookeeperInstance> serviceDiscovery,
            ZookeeperDiscoveryProperties zookeeperProperties, String serviceId,
            MeshkeeperDiscoveryProperties properties, BooleanSupplier connected, ZooKeeperRequests requests,
            InstanceSerializer<ZookeeperInstance> serializer) {
        this.requests = requests;
        this.serializer = (serializer != null) ? serializer : new JsonInstanceSerializer<>(ZookeeperInstance.class);
        this.registration = registration;
        this.serviceDiscovery = serviceDiscovery;
        this.zookeeperProperties = zookeeperProperties;
        this.serviceId = serviceId;
        this.connected = connected;
        Map<String, String> metadata = new LinkedHashMap<>(currentMetadata());
        if (properties.getZone() != null && !properties.getZone().isBlank()) {
            metadata.put(ZONE_KEY, properties.getZone());
        }
        if (properties.getWeight() != null) {
            metadata.put(WEIGHT_KEY, Integer.toString(properties.getWeight()));
        }
        metadata.putIfAbsent(WEIGHT_KEY, "1");
        if (properties.getVersion() != null && !properties.getVersion().isBlank()) {
            metadata.put(VERSION_KEY, properties.getVersion());
        }
        metadata.putIfAbsent(STATUS_KEY, UP);
        replaceMetadata(metadata);
    }

    /**
     * The instance id, the node's name under {@code <root>/<service>/}; before registration it is
     * {@code spring.cloud.zookeeper.discovery.instance-id}, possibly {@code null}.
     */
    public String instanceId() {
        return isBuilt() ? this.registration.getServiceInstance().getId() : this.zookeeperProperties.getInstanceId();
    }

    /** The service this instance is registered under ({@code spring.application.name}). */
    public String serviceId() {
        return this.serviceId;
    }

    /** Whether the registration has been built with its port, i.e. registration has started. */
    boolean isBuilt() {
        // Spring Cloud Zookeeper builds the registration once the port is known; building it earlier breaks it.
        return this.registration.getServiceId() != null;
    }

    /** The status as last written or adopted: {@link #UP}, {@link #OUT_OF_SERVICE} or whatever an operator set. */
    public String status() {
        String status = currentMetadata().get(STATUS_KEY);
        return (status == null || status.isBlank()) ? UP : status;
    }

    /** A copy of the current metadata, status included. */
    public Map<String, String> metadata() {
        return Map.copyOf(currentMetadata());
    }

    /** Marks this instance UP: callers may choose it. */
    public void markUp() {
        setStatus(UP);
    }

    /** Marks this instance OUT_OF_SERVICE: it stays registered but callers stop choosing it. */
    public void markOutOfService() {
        setStatus(OUT_OF_SERVICE);
    }

    /**
     * Sets the status, e.g. {@link #UP} or {@link #OUT_OF_SERVICE}.
     * @throws IllegalArgumentException when the status is blank
     */
    public void setStatus(String status) {
        if (status == null || status.isBlank()) {
            throw new IllegalArgumentException("An instance status must not be blank; use " + UP + " or "
                    + OUT_OF_SERVICE);
        }
        write(Map.of(STATUS_KEY, status), List.of());
    }

    /**
     * Sets the status and says whether ZooKeeper has it: {@code false} when the write could not be made or got no
     * answer within the operation timeout (the status is then kept in memory, as by {@link #setStatus}).
     */
    boolean announce(String status) {
        return write(Map.of(STATUS_KEY, status), List.of());
    }

    /**
     * Adds or replaces metadata entries and writes them to ZooKeeper in one update; callers' caches see them within
     * the watch latency. The status is not metadata here: use {@link #setStatus}.
     * @throws IllegalArgumentException naming the key and value when a key is blank, a value is null, the key is
     * {@value #STATUS_KEY}, or {@value #WEIGHT_KEY} is not an integer of 1 or more; nothing is applied then
     */
    public void updateMetadata(Map<String, String> entries) {
        Objects.requireNonNull(entries, "entries");
        entries.forEach(InstanceRegistration::validate);
        write(entries, List.of());
    }

    /** Removes metadata keys and writes the result; the status and weight keys cannot be removed. */
    public void removeMetadata(String... keys) {
        for (String key : keys) {
            if (STATUS_KEY.equals(key) || WEIGHT_KEY.equals(key)) {
                throw new IllegalArgumentException("Metadata key '" + key + "' cannot be removed; set a new value "
                        + "instead");
            }
        }
        write(Map.of(), List.of(keys));
    }

    private static void validate(String key, String value) {
        if (key == null || key.isBlank()) {
            throw new IllegalArgumentException("Metadata keys must not be blank; got '" + key + "'");
        }
        if (value == null) {
            throw new IllegalArgumentException("Metadata '" + key + "' must not be null; use removeMetadata to "
                    + "remove a key");
        }
        if (STATUS_KEY.equals(key)) {
            throw new IllegalArgumentException("Metadata '" + STATUS_KEY + "' is the instance status; use "
                    + "setStatus, markUp or markOutOfService instead of updateMetadata");
        }
        if (WEIGHT_KEY.equals(key)) {
            int weight;
            try {
                weight = Integer.parseInt(value.trim());
            }
            catch (NumberFormatException ex) {
                weight = 0;
            }
            if (weight < 1) {
                throw new IllegalArgumentException("Metadata '" + WEIGHT_KEY + "' must be an integer of 1 or more "
                        + "but was '" + value + "'");
            }
        }
    }

    private boolean write(Map<String, String> entries, List<String> removals) {
        synchronized (this.writeLock) {
            Map<String, String> metadata = new LinkedHashMap<>(currentMetadata());
            metadata.putAll(entries);
            removals.forEach(metadata::remove);
            if (metadata.equals(currentMetadata())) {
                return true;
            }
            if (!isBuilt()) {
                replaceMetadata(metadata);
                logger.debug("Instance is not registered yet; it will register with " + metadata);
                return true;
            }
            this.pendingWrites.addLast(Map.copyOf(metadata));
            while (this.pendingWrites.size() > MAX_PENDING_WRITES) {
                this.pendingWrites.pollFirst();
            }
            replaceMetadata(metadata);
            if (!this.connected.getAsBoolean()) {
                reportOutage("ZooKeeper is not connected");
                return false;
            }
            try {
                writeNode();
                this.outageReported.set(false);
                logger.debug("Wrote metadata of " + instanceId() + ": " + metadata);
                return true;
            }
            catch (ZooKeeperUnavailableException ex) {
                reportOutage(ex.getMessage());
                return false;
            }
            catch (KeeperException.NoNodeException ex) {
                // Not registered (yet or any more): the change is part of the registration when it happens.
                logger.debug("Instance " + instanceId() + " is not registered; kept " + metadata + " for it");
                return true;
            }
            catch (KeeperException ex) {
                logger.warn("Could not write the registration of " + instanceId() + " to ZooKeeper ("
                        + ex.code() + "); the change is kept and written when Curator re-registers the instance "
                        + "on reconnection");
                return false;
            }
            catch (Exception ex) {
                // Curator refuses updates of an instance that is not registered (yet or any more): the change is
                // part of the registration when it happens.
                logger.debug("Instance " + instanceId() + " is not registered; kept " + metadata + " for it");
                return true;
            }
        }
    }

    private void writeNode() throws Exception {
        ServiceInstance<ZookeeperInstance> instance = this.registration.getServiceInstance();
        if (this.requests == null) {
            this.serviceDiscovery.updateService(instance);
            return;
        }
        String path = ZKPaths.makePath(this.zookeeperProperties.getRoot(), instance.getName(), instance.getId());
        byte[] bytes = this.serializer.serialize(instance);
        this.requests.call("set", path, (client, callback) -> client.setData().inBackground(callback)
                .forPath(path, bytes));
    }

    private void reportOutage(String reason) {
        String message = reason + ": the registration of " + instanceId() + " keeps " + metadata()
                + " in memory; Curator writes it when it re-registers the instance on reconnection";
        if (this.outageReported.compareAndSet(false, true)) {
            logger.warn(message);
        }
        else {
            logger.debug(message);
        }
    }

    /** Whether the ZooKeeper client is connected now, so that a write can reach ZooKeeper. */
    boolean isConnected() {
        return this.connected.getAsBoolean();
    }

    /**
     * Follows what ZooKeeper says about this instance: a node content that is neither the current metadata nor an
     * echo of one of our own earlier writes was written by someone else, and is adopted without being written back.
     * @return whether the content was adopted
     */
    boolean follow(org.springframework.cloud.client.ServiceInstance observed) {
        Map<String, String> seen = (observed.getMetadata() != null) ? observed.getMetadata() : Map.of();
        synchronized (this.writeLock) {
            if (seen.equals(currentMetadata())) {
                this.pendingWrites.clear();
                return false;
            }
            for (Iterator<Map<String, String>> it = this.pendingWrites.iterator(); it.hasNext();) {
                if (it.next().equals(seen)) {
                    // An echo of an earlier write of ours: drop it and everything older.
                    while (!this.pendingWrites.isEmpty() && !this.pendingWrites.pollFirst().equals(seen)) {
                        // older writes are superseded
                    }
                    return false;
                }
            }
            this.pendingWrites.clear();
            replaceMetadata(new LinkedHashMap<>(seen));
            logger.info("Instance " + instanceId() + " follows its node in ZooKeeper, changed by someone else: "
                    + STATUS_KEY + "=" + status());
            return true;
        }
    }

    ZookeeperRegistration registration() {
        return this.registration;
    }

    private Map<String, String> currentMetadata() {
        Map<String, String> metadata = isBuilt() ? payload().getMetadata() : this.zookeeperProperties.getMetadata();
        return (metadata != null) ? metadata : Map.of();
    }

    /**
     * Before registration the registration's payload shares Spring Cloud Zookeeper's metadata map, which is changed
     * in place; afterwards the payload gets a new map, so that a serialization running concurrently (Curator
     * re-registering on reconnect) sees either the old or the new metadata, never a half-changed one.
     */
    private void replaceMetadata(Map<String, String> metadata) {
        if (isBuilt()) {
            payload().setMetadata(metadata);
        }
        else {
            Map<String, String> shared = this.zookeeperProperties.getMetadata();
            Map<String, String> copy = new LinkedHashMap<>(metadata);
            shared.clear();
            shared.putAll(copy);
        }
    }

    private ZookeeperInstance payload() {
        return this.registration.getServiceInstance().getPayload();
    }
}
