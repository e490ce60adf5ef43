package dev.meshkeeper.config;

import dev.meshkeeper.ValidatedProperties;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Live configuration from ZooKeeper: Spring Cloud Zookeeper loads the contexts ({@code spring.config.import=
 * optional:zookeeper:}), Meshkeeper watches them and applies changes to the running application.
 */
@ConfigurationProperties("meshkeeper.config")
public class ConfigProperties implements ValidatedProperties {

    /** Whether changes in ZooKeeper are applied live; also switches Spring Cloud Zookeeper's own watcher off. */
    private boolean enabled = true;

    /**
     * How long changes are collected before they are applied together in one refresh: with the leading edge, the
     * shortest time between two refreshes; without it, how long each change waits for more.
     */
    private Duration coalesceWindow = Duration.ofMillis(5);

    /**
     * Whether a change after a quiet period is applied at once, collecting only the changes that arrive while it is
     * applied or within the coalesce window after it; false makes every change wait for the window, so that values
     * written together within it are validated and applied together.
     */
    private boolean leadingEdge = true;

    /** Whether changes are bound and validated into a fresh instance of each affected bean before being applied. */
    private boolean validate = true;

    /** Whether @RefreshScope beans are refreshed (recreated on next use) after a change was applied. */
    private boolean refreshScope = true;

    /**
     * Whether a full refresh (/actuator/refresh, RefreshEvent, ContextRefresher) asked for while ZooKeeper is
     * unreachable returns at once, keeping the last values, and runs when the connection returns.
     */
    private boolean deferRefreshDuringOutage = true;

    public boolean isEnabled() {
        return this.enabled;
    }

    public void setEnabled(boolean enabled) {
        this.enabled = enabled;
    }

    public Duration getCoalesceWindow() {
        return this.coalesceWindow;
    }

    public void setCoalesceWindow(Duration coalesceWindow) {
        this.coalesceWindow = coalesceWindow;
    }

    public boolean isLeadingEdge() {
        return this.leadingEdge;
    }

    public void setLeadingEdge(boolean leadingEdge) {
        this.leadingEdge = leadingEdge;
    }

    public boolean isValidate() {
        return this.validate;
    }

    public void setValidate(boolean validate) {
        this.validate = validate;
    }

    public boolean isRefreshScope() {
        return this.refreshScope;
    }

    public void setRefreshScope(boolean refreshScope) {
        this.refreshScope = refreshScope;
    }

    public boolean isDeferRefreshDuringOutage() {
        return this.deferRefreshDuringOutage;
    }

    public void setDeferRefreshDuringOutage(boolean deferRefreshDuringOutage) {
        this.deferRefreshDuringOutage = deferRefreshDuringOutage;
    }

    @Override
    public void validate() {
        ValidatedProperties.requireNotNegative("meshkeeper.config.coalesce-window", this.coalesceWindow, "5ms");
    }
}
