package dev.meshkeeper.discovery;

import dev.meshkeeper.zookeeper.ZooKeeperRequests;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.BooleanSupplier;
import org.apache.curator.x.discovery.ServiceDiscovery;
import org.apache.curator.x.discovery.details.InstanceSerializer;
import org.apache.curator.x.discovery.details.JsonInstanceSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.cloud.zookeeper.discovery.ZookeeperDiscoveryProperties;
import org.springframework.cloud.zookeeper.discovery.ZookeeperInstance;
import org.springframework.cloud.zookeeper.serviceregistry.ZookeeperRegistration;

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
    public static final String STATUS_KEY = InstanceMetadata.STATUS_KEY;

    /** Status of an instance that takes traffic. */
    public static final String UP = InstanceMetadata.UP;

    /** Status of an instance that is registered but must not be chosen. */
    public static final String OUT_OF_SERVICE = InstanceMetadata.OUT_OF_SERVICE;

    /** Metadata key of the zone, as Spring Cloud LoadBalancer's zone preference reads it. */
    public static final String ZONE_KEY = InstanceMetadata.ZONE_KEY;

    /** Metadata key of the balancing weight (an integer of 1 or more). */
    public static final String WEIGHT_KEY = InstanceMetadata.WEIGHT_KEY;

    /**
     * The property bounding weights: callers count a higher {@value #WEIGHT_KEY} as this maximum, and an instance
     * configured with more does not start.
     */
    public static final String MAX_WEIGHT_PROPERTY = "meshkeeper.loadbalancer.max-weight";

    /** The default of {@value #MAX_WEIGHT_PROPERTY}. */
    public static final int DEFAULT_MAX_WEIGHT = 100;

    /** Metadata key of the version. */
    public static final String VERSION_KEY = InstanceMetadata.VERSION_KEY;

    private static final Logger logger = LoggerFactory.getLogger(InstanceRegistration.class);

    private final ZookeeperRegistration registration;

    private final String serviceId;

    private final RegistrationMetadata metadata;

    private final RegistrationNodeWriter writer;

    private final OwnWrites ownWrites = new OwnWrites();

    private final Object writeLock = new Object();

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
     * As {@link #InstanceRegistration(ZookeeperRegistration, ServiceDiscovery, ZookeeperDiscoveryProperties, String,
     * MeshkeeperDiscoveryProperties, BooleanSupplier, ZooKeeperRequests, InstanceSerializer)}, writing through
     * {@link ServiceDiscovery#updateService}.
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
     * @param connected whether the ZooKeeper client is connected now (the connection monitor's
     * {@code isConnected}): while it is not, a change is kept in memory without a write and reaches ZooKeeper when
     * Curator re-registers the instance
     * @param requests writes the instance's node, each write bounded by the operation timeout; {@code null} writes
     * through {@link ServiceDiscovery#updateService} (bounded only by Curator's retry policy)
     * @param serializer how the registration is written, the one the service discovery uses
     */
    public InstanceRegistration(ZookeeperRegistration registration, ServiceDiscovery<ZookeeperInstance> serviceDiscovery,
            ZookeeperDiscoveryProperties zookeeperProperties, String serviceId,
            MeshkeeperDiscoveryProperties properties, BooleanSupplier connected, ZooKeeperRequests requests,
            InstanceSerializer<ZookeeperInstance> serializer) {
        this.registration = registration;
        this.serviceId = serviceId;
        this.metadata = new RegistrationMetadata(registration, zookeeperProperties);
        this.writer = new RegistrationNodeWriter(serviceDiscovery, zookeeperProperties.getRoot(), connected, requests,
                (serializer != null) ? serializer : new JsonInstanceSerializer<>(ZookeeperInstance.class));
        this.metadata.enrich(properties);
    }

    /**
     * The instance id, the node's name under {@code <root>/<service>/}; before registration it is
     * {@code spring.cloud.zookeeper.discovery.instance-id}, possibly {@code null}.
     */
    public String instanceId() {
        return this.metadata.instanceId();
    }

    /** The service this instance is registered under ({@code spring.application.name}). */
    public String serviceId() {
        return this.serviceId;
    }

    /** Whether the registration has been built with its port, i.e. registration has started. */
    boolean isBuilt() {
        return this.metadata.isBuilt();
    }

    /** The status as last written or adopted: {@link #UP}, {@link #OUT_OF_SERVICE} or whatever an operator set. */
    public String status() {
        String status = this.metadata.current().get(STATUS_KEY);
        return (status == null || status.isBlank()) ? UP : status;
    }

    /** A copy of the current metadata, status included. */
    public Map<String, String> metadata() {
        return Map.copyOf(this.metadata.current());
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
            Map<String, String> changed = new LinkedHashMap<>(this.metadata.current());
            changed.putAll(entries);
            removals.forEach(changed::remove);
            if (changed.equals(this.metadata.current())) {
                return true;
            }
            if (!isBuilt()) {
                this.metadata.replace(changed);
                logger.debug("Instance is not registered yet; it will register with " + changed);
                return true;
            }
            this.ownWrites.wrote(changed);
            this.metadata.replace(changed);
            return this.writer.write(this.registration.getServiceInstance());
        }
    }

    /** Whether the ZooKeeper client is connected now, so that a write can reach ZooKeeper. */
    boolean isConnected() {
        return this.writer.isConnected();
    }

    /**
     * Follows what ZooKeeper says about this instance: a node content that is neither the current metadata nor an
     * echo of one of our own earlier writes was written by someone else, and is adopted without being written back.
     * @return whether the content was adopted
     */
    boolean follow(org.springframework.cloud.client.ServiceInstance observed) {
        Map<String, String> seen = (observed.getMetadata() != null) ? observed.getMetadata() : Map.of();
        synchronized (this.writeLock) {
            if (this.ownWrites.isOwn(seen, this.metadata.current())) {
                return false;
            }
            this.metadata.replace(new LinkedHashMap<>(seen));
            logger.info("Instance " + instanceId() + " follows its node in ZooKeeper, changed by someone else: "
                    + STATUS_KEY + "=" + status());
            return true;
        }
    }

    ZookeeperRegistration registration() {
        return this.registration;
    }
}
