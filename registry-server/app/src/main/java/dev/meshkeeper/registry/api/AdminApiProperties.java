package dev.meshkeeper.registry.api;

import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.util.unit.DataSize;
import org.springframework.validation.annotation.Validated;

/** The admin API's services, locks and leaders views and its request limits. */
@ConfigurationProperties("meshkeeper.registry.api")
@Validated
public class AdminApiProperties {

    /** Largest request body any /api/ call accepts (413 above it); keep it above ZooKeeper's jute.maxbuffer. */
    @NotNull
    private DataSize maxRequestSize = DataSize.ofMegabytes(2);

    /** ZooKeeper path of the registrations (Spring Cloud Zookeeper's spring.cloud.zookeeper.discovery.root). */
    @NotNull
    @Pattern(regexp = "/[^/]+(/[^/]+)*", message = "must be an absolute ZooKeeper path such as /services")
    private String servicesRoot = "/services";

    /** ZooKeeper path of the lock nodes (the applications' meshkeeper.lock.root). */
    @NotNull
    @Pattern(regexp = "/[^/]+(/[^/]+)*", message = "must be an absolute ZooKeeper path such as /meshkeeper/locks")
    private String locksRoot = "/meshkeeper/locks";

    /** ZooKeeper path of the leader latches (the applications' leader root). */
    @NotNull
    @Pattern(regexp = "/[^/]+(/[^/]+)*", message = "must be an absolute ZooKeeper path such as /meshkeeper/leaders")
    private String leadersRoot = "/meshkeeper/leaders";

    /** ZooKeeper path of the work groups (the applications' meshkeeper.placement.root). */
    @NotNull
    @Pattern(regexp = "/[^/]+(/[^/]+)*", message = "must be an absolute ZooKeeper path such as /meshkeeper/placement")
    private String placementRoot = "/meshkeeper/placement";

    public DataSize getMaxRequestSize() {
        return this.maxRequestSize;
    }

    public void setMaxRequestSize(DataSize maxRequestSize) {
        this.maxRequestSize = maxRequestSize;
    }

    public String getServicesRoot() {
        return this.servicesRoot;
    }

    public void setServicesRoot(String servicesRoot) {
        this.servicesRoot = servicesRoot;
    }

    public String getLocksRoot() {
        return this.locksRoot;
    }

    public void setLocksRoot(String locksRoot) {
        this.locksRoot = locksRoot;
    }

    public String getLeadersRoot() {
        return this.leadersRoot;
    }

    public void setLeadersRoot(String leadersRoot) {
        this.leadersRoot = leadersRoot;
    }

    public String getPlacementRoot() {
        return this.placementRoot;
    }

    public void setPlacementRoot(String placementRoot) {
        this.placementRoot = placementRoot;
    }
}
