package dev.meshkeeper.loadbalancer;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.cloud.client.ServiceInstance;

/**
 * Metadata values other applications published that cannot be used, each logged once (per service, instance, key
 * and value) instead of on every choice.
 */
final class InvalidMetadataWarnings {

    private static final Logger logger = LoggerFactory.getLogger(InvalidMetadataWarnings.class);

    private final Set<String> warned = ConcurrentHashMap.newKeySet();

    void warn(ServiceInstance instance, String key, String value, String fallback) {
        warn(instance, key, value, "is not usable", fallback);
    }

    void warn(ServiceInstance instance, String key, String value, String problem, String fallback) {
        String instanceKey = OutlierEjection.instanceKey(instance);
        if (this.warned.add(instance.getServiceId() + '\n' + instanceKey + '\n' + key + '\n' + value)) {
            logger.warn("Instance " + instanceKey + " of service " + instance.getServiceId() + " publishes metadata "
                    + key + "='" + value + "', which " + problem + "; using " + fallback + " instead. Fix the "
                    + "registration of that instance (e.g. spring.cloud.zookeeper.discovery.metadata." + key + ")");
        }
    }
}
