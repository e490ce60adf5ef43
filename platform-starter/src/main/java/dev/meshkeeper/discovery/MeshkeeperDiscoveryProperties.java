package dev.meshkeeper.discovery;

import dev.meshkeeper.InvalidMeshkeeperPropertyException;
import dev.meshkeeper.ValidatedProperties;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Meshkeeper discovery: the watched instance cache behind {@code DiscoveryClient} and the LoadBalancer, the status
 * this instance publishes, its metadata and its graceful deregistration. Registration itself stays Spring Cloud
 * Zookeeper's ({@code spring.cloud.zookeeper.discovery.*}: root, instance host/port/id, initial status).
 */
@ConfigurationProperties("meshkeeper.discovery")
public class MeshkeeperDiscoveryProperties implements ValidatedProperties {

    /** Whether Meshkeeper discovery (watched cache, status, metadata, graceful deregistration) is on. */
    private boolean enabled = true;

    /** Whether instances get a readable id (application-host-port) unless spring.cloud.zookeeper.discovery.instance-id is set. */
    private boolean readableInstanceId = true;

    /** Zone of this instance, written as the 'zone' metadata key and used as spring.cloud.loadbalancer.zone unless that is set. */
    private String zone;

    /**
     * Relative weight of this instance for weighted balancing, written as the 'weight' metadata key (1 or more);
     * unset keeps a 'weight' given in spring.cloud.zookeeper.discovery.metadata, else 1.
     */
    private Integer weight;

    /** Version of this instance, written as the 'version' metadata key (e.g. for version splits). */
    private String version;

    /** Longest time between marking this instance OUT_OF_SERVICE on shutdown and deregistering it. */
    private Duration drainTimeout = Duration.ofSeconds(10);

    /** Time callers are given to see OUT_OF_SERVICE before deregistration proceeds (within the drain timeout). */
    private Duration propagationDelay = Duration.ofSeconds(2);

    /** Whether the aggregate actuator health status (not only readiness) drives instance_status: UP or OUT_OF_SERVICE. */
    private boolean healthDrivesStatus = false;

    /** How often the health status is read when health-drives-status is true. */
    private Duration healthCheckInterval = Duration.ofSeconds(5);

    /** Longest time the first lookup of a service waits for its cache to load; later lookups never wait. */
    private Duration cacheStartTimeout = Duration.ofSeconds(5);

    /** Whether DiscoveryClient.getInstances returns only UP instances (false: every registered instance, as upstream). */
    private boolean onlyUpInstances = true;

    /**
     * How long the last UP instance of a service stays listed after its registration vanished (a provider
     * re-registering after its session expired); 0 removes it at once. Other instances always leave at once.
     */
    private Duration removalGrace = Duration.ofSeconds(5);

    /**
     * Services whose watched caches load in the background from the start, so that their first lookup does not
     * wait for ZooKeeper; '*' preloads every registered service (e.g. for a gateway). Empty: each service loads on
     * its first lookup.
     */
    private List<String> preloadServices = new ArrayList<>();

    public List<String> getPreloadServices() {
        return this.preloadServices;
    }

    public void setPreloadServices(List<String> preloadServices) {
        this.preloadServices = preloadServices;
    }

    public boolean isEnabled() {
        return this.enabled;
    }

    public void setEnabled(boolean enabled) {
        this.enabled = enabled;
    }

    public boolean isReadableInstanceId() {
        return this.readableInstanceId;
    }

    public void setReadableInstanceId(boolean readableInstanceId) {
        this.readableInstanceId = readableInstanceId;
    }

    public String getZone() {
        return this.zone;
    }

    public void setZone(String zone) {
        this.zone = zone;
    }

    public Integer getWeight() {
        return this.weight;
    }

    public void setWeight(Integer weight) {
        this.weight = weight;
    }

    public String getVersion() {
        return this.version;
    }

    public void setVersion(String version) {
        this.version = version;
    }

    public Duration getDrainTimeout() {
        return this.drainTimeout;
    }

    public void setDrainTimeout(Duration drainTimeout) {
        this.drainTimeout = drainTimeout;
    }

    public Duration getPropagationDelay() {
        return this.propagationDelay;
    }

    public void setPropagationDelay(Duration propagationDelay) {
        this.propagationDelay = propagationDelay;
    }

    public boolean isHealthDrivesStatus() {
        return this.healthDrivesStatus;
    }

    public void setHealthDrivesStatus(boolean healthDrivesStatus) {
        this.healthDrivesStatus = healthDrivesStatus;
    }

    public Duration getHealthCheckInterval() {
        return this.healthCheckInterval;
    }

    public void setHealthCheckInterval(Duration healthCheckInterval) {
        this.healthCheckInterval = healthCheckInterval;
    }

    public Duration getCacheStartTimeout() {
        return this.cacheStartTimeout;
    }

    public void setCacheStartTimeout(Duration cacheStartTimeout) {
        this.cacheStartTimeout = cacheStartTimeout;
    }

    public boolean isOnlyUpInstances() {
        return this.onlyUpInstances;
    }

    public void setOnlyUpInstances(boolean onlyUpInstances) {
        this.onlyUpInstances = onlyUpInstances;
    }

    public Duration getRemovalGrace() {
        return this.removalGrace;
    }

    public void setRemovalGrace(Duration removalGrace) {
        this.removalGrace = removalGrace;
    }

    @Override
    public void validate() {
        if (this.weight != null && this.weight < 1) {
            throw new InvalidMeshkeeperPropertyException("meshkeeper.discovery.weight", this.weight, "is below 1",
                    "Set meshkeeper.discovery.weight to a positive integer (1 is the default weight).");
        }
        ValidatedProperties.requireNotNegative("meshkeeper.discovery.drain-timeout", this.drainTimeout, "10s");
        ValidatedProperties.requireNotNegative("meshkeeper.discovery.propagation-delay", this.propagationDelay, "10s");
        ValidatedProperties.requireNotNegative("meshkeeper.discovery.health-check-interval",
                this.healthCheckInterval, "10s");
        ValidatedProperties.requireNotNegative("meshkeeper.discovery.cache-start-timeout",
                this.cacheStartTimeout, "10s");
        ValidatedProperties.requireNotNegative("meshkeeper.discovery.removal-grace", this.removalGrace, "10s");
    }
}
