package dev.meshkeeper.registry.api;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.annotation.Validated;

/** The audit log of mutating admin API calls, kept in ZooKeeper. */
@ConfigurationProperties("meshkeeper.registry.audit")
@Validated
public class AuditProperties {

    /** Whether mutating API calls are recorded. */
    private boolean enabled = true;

    /** ZooKeeper path of the audit entries (persistent sequential znodes). */
    @NotNull
    @Pattern(regexp = "/[^/]+(/[^/]+)*", message = "must be an absolute ZooKeeper path such as /meshkeeper/audit")
    private String root = "/meshkeeper/audit";

    /** Entries kept; the oldest are purged after each new one. */
    @Min(1)
    @Max(100000)
    private int limit = 1000;

    public boolean isEnabled() {
        return this.enabled;
    }

    public void setEnabled(boolean enabled) {
        this.enabled = enabled;
    }

    public String getRoot() {
        return this.root;
    }

    public void setRoot(String root) {
        this.root = root;
    }

    public int getLimit() {
        return this.limit;
    }

    public void setLimit(int limit) {
        this.limit = limit;
    }
}
