package dev.meshkeeper.zookeeper;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Meshkeeper's use of the application's single ZooKeeper connection (Spring Cloud Zookeeper's
 * {@code CuratorFramework}, configured under {@code spring.cloud.zookeeper.*}).
 */
@ConfigurationProperties("meshkeeper.zookeeper")
public class ZooKeeperConnectionProperties {

    /** Whether connection-state events and meters are published. */
    private boolean enabled = true;

    public boolean isEnabled() {
        return this.enabled;
    }

    public void setEnabled(boolean enabled) {
        this.enabled = enabled;
    }
}
