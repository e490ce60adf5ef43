package dev.meshkeeper.registry.api;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.annotation.Validated;

/** Server-sent events of {@code GET /api/v1/events}: what changed in the registry, pushed to the console. */
@ConfigurationProperties("meshkeeper.registry.events")
@Validated
public class RegistryEventsProperties {

    /** Whether {@code /api/v1/events} is served. */
    private boolean enabled = true;

    /** How long changes are gathered before one event per changed topic is sent. */
    @NotNull
    private Duration coalesce = Duration.ofMillis(200);

    /** How often a comment line is sent on an idle stream, so proxies keep it open and dead clients are found. */
    @NotNull
    private Duration heartbeat = Duration.ofSeconds(20);

    /** Open event streams allowed at once; more are refused with 503. */
    @Min(1)
    @Max(10000)
    private int maxSubscribers = 100;

    /** Open event streams one user may hold at once; more are refused with 429. */
    @Min(1)
    private int maxStreamsPerUser = 4;

    /**
     * How long a stream may carry no change event before it is closed (checked at each heartbeat); a browser
     * reconnects, and is authenticated again.
     */
    @NotNull
    private Duration idleTimeout = Duration.ofMinutes(30);

    public int getMaxStreamsPerUser() {
        return this.maxStreamsPerUser;
    }

    public void setMaxStreamsPerUser(int maxStreamsPerUser) {
        this.maxStreamsPerUser = maxStreamsPerUser;
    }

    public Duration getIdleTimeout() {
        return this.idleTimeout;
    }

    public void setIdleTimeout(Duration idleTimeout) {
        this.idleTimeout = idleTimeout;
    }

    public boolean isEnabled() {
        return this.enabled;
    }

    public void setEnabled(boolean enabled) {
        this.enabled = enabled;
    }

    public Duration getCoalesce() {
        return this.coalesce;
    }

    public void setCoalesce(Duration coalesce) {
        this.coalesce = coalesce;
    }

    public Duration getHeartbeat() {
        return this.heartbeat;
    }

    public void setHeartbeat(Duration heartbeat) {
        this.heartbeat = heartbeat;
    }

    public int getMaxSubscribers() {
        return this.maxSubscribers;
    }

    public void setMaxSubscribers(int maxSubscribers) {
        this.maxSubscribers = maxSubscribers;
    }
}
