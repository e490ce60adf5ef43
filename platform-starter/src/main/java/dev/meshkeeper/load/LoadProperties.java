package dev.meshkeeper.load;

import dev.meshkeeper.ValidatedProperties;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * How a provider publishes its load ({@code meshkeeper.load.*}): in its registration metadata, at most once per
 * interval and only when it moved, and on every HTTP response.
 */
@ConfigurationProperties("meshkeeper.load")
public class LoadProperties implements ValidatedProperties {

    /** Whether this instance computes and publishes its load. */
    private boolean enabled = true;

    /**
     * Requests this instance serves at once at full load; default: the servlet container's maximum worker threads
     * (server.tomcat.threads.max, 200 unless set) or 256 in a reactive application.
     */
    private Integer capacity;

    /** Shortest time between two writes of the load into the registration metadata. */
    private Duration publishInterval = Duration.ofSeconds(1);

    /** How far the load must move from the last written value before it is written again. */
    private double hysteresis = 0.05;

    /**
     * Process CPU use (share of the machine, 0 to 1) from which CPU counts in the load; below it the load is the
     * requests in flight alone. Above 1 CPU is never counted.
     */
    private double cpuThreshold = 0.75;

    private final Metadata metadata = new Metadata();

    private final Header header = new Header();

    public boolean isEnabled() {
        return this.enabled;
    }

    public void setEnabled(boolean enabled) {
        this.enabled = enabled;
    }

    public Integer getCapacity() {
        return this.capacity;
    }

    public void setCapacity(Integer capacity) {
        this.capacity = capacity;
    }

    public Duration getPublishInterval() {
        return this.publishInterval;
    }

    public void setPublishInterval(Duration publishInterval) {
        this.publishInterval = publishInterval;
    }

    public double getHysteresis() {
        return this.hysteresis;
    }

    public void setHysteresis(double hysteresis) {
        this.hysteresis = hysteresis;
    }

    public double getCpuThreshold() {
        return this.cpuThreshold;
    }

    public void setCpuThreshold(double cpuThreshold) {
        this.cpuThreshold = cpuThreshold;
    }

    public Metadata getMetadata() {
        return this.metadata;
    }

    public Header getHeader() {
        return this.header;
    }

    @Override
    public void validate() {
        if (this.capacity != null && this.capacity < 1) {
            throw new InvalidLoadPropertyException("meshkeeper.load.capacity", this.capacity, "is less than 1",
                    "Set meshkeeper.load.capacity to the number of requests this instance serves at once, or leave "
                            + "it unset for the web server's worker threads.");
        }
        if (this.publishInterval == null || this.publishInterval.isNegative() || this.publishInterval.isZero()) {
            throw new InvalidLoadPropertyException("meshkeeper.load.publish-interval", this.publishInterval,
                    "is not a positive duration", "Set meshkeeper.load.publish-interval to a duration such as 1s.");
        }
        if (!(this.hysteresis >= 0 && this.hysteresis < 1)) {
            throw new InvalidLoadPropertyException("meshkeeper.load.hysteresis", this.hysteresis,
                    "is out of range; it must be at least 0 and below 1",
                    "Set meshkeeper.load.hysteresis to a value such as 0.05 (0 writes every change).");
        }
        if (!(this.cpuThreshold >= 0) || Double.isInfinite(this.cpuThreshold)) {
            throw new InvalidLoadPropertyException("meshkeeper.load.cpu-threshold", this.cpuThreshold,
                    "must be 0 or more", "Set meshkeeper.load.cpu-threshold to a value such as 0.75 (above 1 leaves "
                            + "CPU out).");
        }
    }

    /** Publishing the load in the registration metadata. */
    public static class Metadata {

        /** Whether the load is written into the registration metadata under the key "load". */
        private boolean enabled = true;

        public boolean isEnabled() {
            return this.enabled;
        }

        public void setEnabled(boolean enabled) {
            this.enabled = enabled;
        }
    }

    /** Publishing the load on HTTP responses. */
    public static class Header {

        /** Whether every HTTP response carries the load in the header X-Meshkeeper-Load. */
        private boolean enabled = true;

        public boolean isEnabled() {
            return this.enabled;
        }

        public void setEnabled(boolean enabled) {
            this.enabled = enabled;
        }
    }
}
