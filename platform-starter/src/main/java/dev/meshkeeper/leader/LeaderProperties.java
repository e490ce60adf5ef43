package dev.meshkeeper.leader;

import dev.meshkeeper.ValidatedProperties;
import java.util.ArrayList;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;

/** Leader election over the application's single ZooKeeper connection ({@code meshkeeper.leader.*}). */
@ConfigurationProperties("meshkeeper.leader")
public class LeaderProperties implements ValidatedProperties {

    /** Whether the ClusterLeadership bean and the @LeaderOnly annotation are available. */
    private boolean enabled = true;

    /** Parent znode of all leader groups; the latch of group "billing" lives under {root}/billing. */
    private String root = "/meshkeeper/leaders";

    /** Groups this instance joins at start-up (others are joined on first use of @LeaderOnly). */
    private List<String> groups = new ArrayList<>();

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

    public List<String> getGroups() {
        return this.groups;
    }

    public void setGroups(List<String> groups) {
        this.groups = groups;
    }

    @Override
    public void validate() {
        ValidatedProperties.requireZnodePath("meshkeeper.leader.root", this.root, "/meshkeeper/leaders");
    }
}
