package dev.meshkeeper.registry.api;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.util.unit.DataSize;
import org.springframework.validation.annotation.Validated;

/**
 * The registry server's shared data API ({@code /api/v1/data}): where the applications' shared values, maps and
 * counters live and what a write may contain.
 */
@ConfigurationProperties("meshkeeper.registry.data")
@Validated
public class DataApiProperties {

    /** Whether the shared data API is served. */
    private boolean enabled = true;

    /** ZooKeeper path of the shared data (the applications' meshkeeper.data.root). */
    @NotNull
    @Pattern(regexp = "/[^/]+(/[^/]+)*", message = "must be an absolute ZooKeeper path such as /meshkeeper/data")
    private String root = "/meshkeeper/data";

    /** Largest JSON a value, counter or map entry may hold; must stay below ZooKeeper's jute.maxbuffer (1 MiB). */
    @NotNull
    private DataSize maxValueSize = DataSize.ofKilobytes(1000);

    /** Entries a map may hold; a new key beyond it is refused (the applications' meshkeeper.data.max-entries). */
    @Min(1)
    @Max(1_000_000)
    private int maxEntries = 10_000;

    /** Whether every write must carry If-Match, or If-None-Match: * to create (428 otherwise). */
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

    public DataSize getMaxValueSize() {
        return this.maxValueSize;
    }

    public void setMaxValueSize(DataSize maxValueSize) {
        this.maxValueSize = maxValueSize;
    }

    public int getMaxEntries() {
        return this.maxEntries;
    }

    public void setMaxEntries(int maxEntries) {
        this.maxEntries = maxEntries;
    }

    public boolean isRequireIfMatch() {
        return this.requireIfMatch;
    }

    public void setRequireIfMatch(boolean requireIfMatch) {
        this.requireIfMatch = requireIfMatch;
    }
}
