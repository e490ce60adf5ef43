package dev.meshkeeper.registry.api;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.util.unit.DataSize;
import org.springframework.validation.annotation.Validated;

/**
 * The registry server's config API ({@code /api/v1/config}): where config lives, how much history is kept and
 * what a write may contain.
 */
@ConfigurationProperties("meshkeeper.registry.config")
@Validated
public class ConfigApiProperties {

    /** Whether the config API is served. */
    private boolean enabled = true;

    /** ZooKeeper path of the config contexts (Spring Cloud Zookeeper's spring.cloud.zookeeper.config.root). */
    @NotNull
    @Pattern(regexp = "/[^/]+(/[^/]+)*", message = "must be an absolute ZooKeeper path such as /config")
    private String root = "/config";

    /** ZooKeeper path of the API's own bookkeeping: each context's version and change history. */
    @NotNull
    @Pattern(regexp = "/[^/]+(/[^/]+)*", message = "must be an absolute ZooKeeper path such as /meshkeeper/config")
    private String bookkeepingRoot = "/meshkeeper/config";

    /** Changes kept in each context's history; older ones are deleted in the same transaction as a new change. */
    @Min(1)
    @Max(10000)
    private int historyLimit = 100;

    /** Largest value one key may hold; must stay well below ZooKeeper's jute.maxbuffer (1 MiB by default). */
    @NotNull
    private DataSize maxValueSize = DataSize.ofKilobytes(64);

    /** Whether every write must carry If-Match with the context's current version (428 otherwise). */
    private boolean requireIfMatch = false;

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

    public String getBookkeepingRoot() {
        return this.bookkeepingRoot;
    }

    public void setBookkeepingRoot(String bookkeepingRoot) {
        this.bookkeepingRoot = bookkeepingRoot;
    }

    public int getHistoryLimit() {
        return this.historyLimit;
    }

    public void setHistoryLimit(int historyLimit) {
        this.historyLimit = historyLimit;
    }

    public DataSize getMaxValueSize() {
        return this.maxValueSize;
    }

    public void setMaxValueSize(DataSize maxValueSize) {
        this.maxValueSize = maxValueSize;
    }

    public boolean isRequireIfMatch() {
        return this.requireIfMatch;
    }

    public void setRequireIfMatch(boolean requireIfMatch) {
        this.requireIfMatch = requireIfMatch;
    }
}
