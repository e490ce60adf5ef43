package dev.meshkeeper.zookeeper;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The identity under which the application's ZooKeeper clients authenticate (ZooKeeper's {@code digest} scheme).
 * Both are set or neither: with them, every node the application creates is writable only by this identity and
 * readable by every client.
 */
@ConfigurationProperties(ZooKeeperAuthenticationProperties.PREFIX)
public class ZooKeeperAuthenticationProperties {

    static final String PREFIX = "meshkeeper.zookeeper.auth";

    /** Digest user name; on a Meshkeeper registry server it is the service name the registry lists. */
    private String username;

    /** Digest password; never logged nor shown by the actuator. */
    private String password;

    public String getUsername() {
        return this.username;
    }

    public void setUsername(String username) {
        this.username = username;
    }

    public String getPassword() {
        return this.password;
    }

    public void setPassword(String password) {
        this.password = password;
    }

    @Override
    public String toString() {
        return "ZooKeeperAuthenticationProperties[username=" + this.username + ", password="
                + ((this.password != null) ? "******" : null) + "]";
    }
}
