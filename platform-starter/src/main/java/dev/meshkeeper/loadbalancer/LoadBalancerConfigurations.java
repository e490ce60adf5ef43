package dev.meshkeeper.loadbalancer;

import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.env.Environment;
import org.springframework.util.StringUtils;

/**
 * Spring Cloud LoadBalancer's {@code spring.cloud.loadbalancer.configurations} (or
 * {@code spring.cloud.loadbalancer.clients.<service>.configurations}), read for a service whose instances come from
 * the watched supplier, so that the named configuration is applied on top of it instead of being silently replaced:
 * <ul>
 * <li>{@code default}: nothing more (no TTL cache: the list is pushed by ZooKeeper);</li>
 * <li>{@code zone-preference}: Meshkeeper's zone preference, on even if {@code meshkeeper.loadbalancer.zone-preference}
 * is false;</li>
 * <li>{@code health-check}: Spring Cloud's health checks, fed by ZooKeeper's membership changes
 * ({@link HealthCheckedInstances});</li>
 * <li>{@code same-instance-preference}, {@code request-based-sticky-session}, {@code subset}: Spring Cloud's
 * suppliers, outermost, choosing among the instances Meshkeeper offers (UP, not ejected, of the version drawn);</li>
 * <li>{@code weighted} and {@code api-version}: not applied; one warning names the property and the remedy
 * ({@code meshkeeper.loadbalancer.strategy=weighted} reads the same {@code weight} metadata); so does an unknown
 * value.</li>
 * </ul>
 * A service whose client configuration defines its own {@code ServiceInstanceListSupplier} keeps that supplier as
 * it is, as Spring Cloud LoadBalancer does: the property is not applied on top of it.
 */
final class LoadBalancerConfigurations {

    static final String PROPERTY = "spring.cloud.loadbalancer.configurations";

    private static final Logger logger = LoggerFactory.getLogger(LoadBalancerConfigurations.class);

    /** What Meshkeeper applies over the watched supplier. */
    enum Applied {

        DEFAULT, ZONE_PREFERENCE, HEALTH_CHECK, SAME_INSTANCE_PREFERENCE, REQUEST_BASED_STICKY_SESSION, SUBSET

    }

    private final Environment environment;

    private final Set<String> warned = ConcurrentHashMap.newKeySet();

    LoadBalancerConfigurations(Environment environment) {
        this.environment = environment;
    }

    /** The configuration applied for the service (the client's own value, else the default one). */
    Applied forService(String serviceId) {
        String key = "spring.cloud.loadbalancer.clients." + serviceId + ".configurations";
        String value = this.environment.getProperty(key);
        if (!StringUtils.hasText(value)) {
            key = PROPERTY;
            value = this.environment.getProperty(key);
        }
        if (!StringUtils.hasText(value)) {
            return Applied.DEFAULT;
        }
        String configuration = value.trim().toLowerCase(Locale.ROOT);
        return switch (configuration) {
            case "default" -> Applied.DEFAULT;
            case "zone-preference" -> Applied.ZONE_PREFERENCE;
            case "health-check" -> Applied.HEALTH_CHECK;
            case "same-instance-preference" -> Applied.SAME_INSTANCE_PREFERENCE;
            case "request-based-sticky-session" -> Applied.REQUEST_BASED_STICKY_SESSION;
            case "subset" -> Applied.SUBSET;
            case "weighted" -> notApplied(key, configuration, "Meshkeeper's balancer chooses instances itself; "
                    + "set meshkeeper.loadbalancer.strategy=weighted (it reads the same 'weight' metadata)");
            case "api-version" -> notApplied(key, configuration, "API-version routing needs Spring Cloud's "
                    + "discovery-client supplier; define a ServiceInstanceListSupplier in the service's "
                    + "@LoadBalancerClient configuration, or pin versions with meshkeeper.discovery.version and the "
                    + PinnedVersion.HEADER + " header");
            default -> notApplied(key, configuration, "use one of default, zone-preference, health-check, "
                    + "same-instance-preference, request-based-sticky-session, subset");
        };
    }

    private Applied notApplied(String key, String value, String remedy) {
        if (this.warned.add(key + "=" + value)) {
            logger.warn(key + " '" + value + "' is not applied over Meshkeeper's watched instances: " + remedy
                    + ". The service is balanced with the default configuration.");
        }
        return Applied.DEFAULT;
    }
}
