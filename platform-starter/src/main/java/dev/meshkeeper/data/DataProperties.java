package dev.meshkeeper.data;

import dev.meshkeeper.InvalidMeshkeeperPropertyException;
import dev.meshkeeper.ValidatedProperties;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Shared data over the application's single ZooKeeper connection ({@code meshkeeper.data.*}).
 */
@ConfigurationProperties("meshkeeper.data")
public class DataProperties implements ValidatedProperties {

    /** Whether the SharedData bean is available. */
    private boolean enabled = true;

    /** Parent znode of all shared data; a value named "prices" lives at {root}/prices. */
    private String root = "/meshkeeper/data";

    /** The most entries a shared map accepts from this instance: beyond it, new keys are refused. */
    private int maxEntries = 10_000;

    /** How many compare-and-set attempts an update makes before it gives up with UpdateConflictException. */
    private int updateAttempts = 16;

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

    public int getMaxEntries() {
        return this.maxEntries;
    }

    public void setMaxEntries(int maxEntries) {
        this.maxEntries = maxEntries;
    }

    public int getUpdateAttempts() {
        return this.updateAttempts;
    }

    public void setUpdateAttempts(int updateAttempts) {
        this.updateAttempts = updateAttempts;
    }

    @Override
    public void validate() {
        ValidatedProperties.requireZnodePath("meshkeeper.data.root", this.root, "/meshkeeper/data");
        if (this.maxEntries < 1) {
            throw new InvalidMeshkeeperPropertyException("meshkeeper.data.max-entries", this.maxEntries,
                    "is below 1", "Set meshkeeper.data.max-entries to 1 or more, e.g. 10000.");
        }
        if (this.updateAttempts < 1) {
            throw new InvalidMeshkeeperPropertyException("meshkeeper.data.update-attempts", this.updateAttempts,
                    "is below 1", "Set meshkeeper.data.update-attempts to 1 or more, e.g. 16.");
        }
    }
}
