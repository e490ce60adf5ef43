package dev.meshkeeper.lock;

import dev.meshkeeper.ValidatedProperties;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Distributed locks over the application's single ZooKeeper connection ({@code meshkeeper.lock.*}).
 */
@ConfigurationProperties("meshkeeper.lock")
public class LockProperties implements ValidatedProperties {

    /** Whether the DistributedLocks bean and the @DistributedLock annotation are available. */
    private boolean enabled = true;

    /** Parent znode of all locks; a lock named "stock-42" lives under {root}/stock-42. */
    private String root = "/meshkeeper/locks";

    /** Whether the thread holding a lease is interrupted when the lease is lost (connection suspended or lost). */
    private boolean interruptOnLoss = false;

    /**
     * Most ZooKeeper lock holds (held or being acquired) this application keeps at once (a read, write or semaphore hold pins one thread while held). When
     * all are taken, an acquisition waits within its own wait for one to be released.
     */
    private int maxHolds = 256;

    /** How long @DistributedLock waits for a lock when its waitFor attribute is empty. */
    private Duration defaultWait = Duration.ofSeconds(5);

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

    public boolean isInterruptOnLoss() {
        return this.interruptOnLoss;
    }

    public void setInterruptOnLoss(boolean interruptOnLoss) {
        this.interruptOnLoss = interruptOnLoss;
    }

    public int getMaxHolds() {
        return this.maxHolds;
    }

    public void setMaxHolds(int maxHolds) {
        this.maxHolds = maxHolds;
    }

    public Duration getDefaultWait() {
        return this.defaultWait;
    }

    public void setDefaultWait(Duration defaultWait) {
        this.defaultWait = defaultWait;
    }

    @Override
    public void validate() {
        ValidatedProperties.requireZnodePath("meshkeeper.lock.root", this.root, "/meshkeeper/locks");
        ValidatedProperties.requireNotNegative("meshkeeper.lock.default-wait", this.defaultWait, "5s");
    }
}
