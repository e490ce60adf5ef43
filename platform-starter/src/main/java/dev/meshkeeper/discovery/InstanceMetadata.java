package dev.meshkeeper.discovery;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.cloud.client.ServiceInstance;
import org.springframework.cloud.zookeeper.support.StatusConstants;

/**
 * The metadata keys Meshkeeper reads from a registration, and the one place they are read: status, zone, weight,
 * version and load. Every reader in discovery, balancing and load reporting goes through here, so an instance is
 * understood the same way everywhere. Reading never touches ZooKeeper: it reads the metadata of the instance as the
 * watched cache last saw it, so during a connection loss it answers for the last known registration.
 * <p>
 * A value that cannot be used is never an error for the caller: a missing or blank status counts as {@code UP} (as in
 * Spring Cloud Zookeeper), and a weight that is missing counts as 1. A weight that is not an integer of 1 or more
 * (e.g. {@code 0}) also counts as 1 and is logged at WARN once per instance and value.
 */
public final class InstanceMetadata {

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

    /** Metadata key of the version. */
    public static final String VERSION_KEY = "version";

    /** Metadata key of the load an instance publishes (a number from 0, idle, to 1, saturated). */
    public static final String LOAD_KEY = "load";

    /** The weight of an instance that publishes none or an unusable one. */
    public static final int DEFAULT_WEIGHT = 1;

    private static final Logger logger = LoggerFactory.getLogger(InstanceMetadata.class);

    /** Problems already logged, by service, instance, key and value; bounded so that churn cannot grow it forever. */
    private static final Set<String> warned = ConcurrentHashMap.newKeySet();

    private static final int MAX_WARNED = 10_000;

    private InstanceMetadata() {
    }

    /** The value of {@code key}, or {@code null} when the instance has no such metadata. */
    public static String value(ServiceInstance instance, String key) {
        Map<String, String> metadata = instance.getMetadata();
        return (metadata != null) ? metadata.get(key) : null;
    }

    /** The status; {@link #UP} when none is published. */
    public static String status(ServiceInstance instance) {
        String status = value(instance, STATUS_KEY);
        return (status == null || status.isBlank()) ? UP : status;
    }

    /** Whether the instance's {@link #STATUS_KEY} is UP (in any case) or absent. */
    public static boolean isUp(ServiceInstance instance) {
        return UP.equalsIgnoreCase(status(instance));
    }

    /** The zone, or {@code null} when none is published. */
    public static String zone(ServiceInstance instance) {
        return value(instance, ZONE_KEY);
    }

    /** The version, or {@code null} when none is published. */
    public static String version(ServiceInstance instance) {
        return value(instance, VERSION_KEY);
    }

    /** The load text under {@code key} (by default {@link #LOAD_KEY}), or {@code null} when none is published. */
    public static String load(ServiceInstance instance, String key) {
        return value(instance, key);
    }

    /**
     * The balancing weight: the {@link #WEIGHT_KEY} value, {@link #DEFAULT_WEIGHT} when there is none, and also 1
     * (with one WARN per instance and value) when it is not an integer of 1 or more, {@code 0} included. A weight
     * above {@code maxWeight} counts as {@code maxWeight} (with one WARN), so that one registration cannot draw all
     * the traffic by publishing a huge weight.
     * @param maxWeight {@code meshkeeper.loadbalancer.max-weight}
     */
    public static int weight(ServiceInstance instance, int maxWeight) {
        return weight(instance.getMetadata(), instance.getServiceId(), instanceKey(instance), maxWeight);
    }

    /**
     * The balancing weight read from a metadata map, by the same rules as {@link #weight(ServiceInstance, int)}:
     * for metadata held before it is a registered instance (this application's own registration, for example).
     * @param metadata the instance's metadata, {@code null} for none
     * @param serviceId the instance's service, for the WARN
     * @param instanceId the instance's id, for the WARN
     * @param maxWeight {@code meshkeeper.loadbalancer.max-weight}
     */
    public static int weight(Map<String, String> metadata, String serviceId, String instanceId, int maxWeight) {
        String value = (metadata != null) ? metadata.get(WEIGHT_KEY) : null;
        if (value == null) {
            return DEFAULT_WEIGHT;
        }
        long weight;
        try {
            weight = Long.parseLong(value.trim());
        }
        catch (NumberFormatException ex) {
            weight = 0;
        }
        if (weight > maxWeight) {
            warnOnce(serviceId, instanceId, WEIGHT_KEY, value,
                    "is above meshkeeper.loadbalancer.max-weight (" + maxWeight + ")", "weight " + maxWeight);
            return maxWeight;
        }
        if (weight >= 1) {
            return (int) weight;
        }
        warnOnce(serviceId, instanceId, WEIGHT_KEY, value, "is not an integer of 1 or more",
                "weight " + DEFAULT_WEIGHT);
        return DEFAULT_WEIGHT;
    }

    /**
     * Logs at WARN, once per service, instance, key and value, that a published value cannot be used.
     * @param problem what is wrong with it, e.g. "is not a number"
     * @param fallback what is used instead, e.g. "weight 1"
     */
    public static void warnOnce(ServiceInstance instance, String key, String value, String problem,
            String fallback) {
        warnOnce(instance.getServiceId(), instanceKey(instance), key, value, problem, fallback);
    }

    private static void warnOnce(String serviceId, String instanceKey, String key, String value, String problem,
            String fallback) {
        if (warned.size() >= MAX_WARNED) {
            warned.clear();
        }
        if (warned.add(serviceId + '\n' + instanceKey + '\n' + key + '\n' + value)) {
            logger.warn("Instance " + instanceKey + " of service " + serviceId + " publishes metadata "
                    + key + "='" + value + "', which " + problem + "; using " + fallback + " instead. Fix the "
                    + "registration of that instance (e.g. spring.cloud.zookeeper.discovery.metadata." + key + ")");
        }
    }

    private static String instanceKey(ServiceInstance instance) {
        String id = instance.getInstanceId();
        return (id != null) ? id : instance.getHost() + ":" + instance.getPort();
    }
}
