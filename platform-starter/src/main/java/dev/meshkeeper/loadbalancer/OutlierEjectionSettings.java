package dev.meshkeeper.loadbalancer;

import java.time.Duration;

/**
 * Passive outlier ejection settings, {@code meshkeeper.loadbalancer.outlier-ejection.*}; bound as
 * {@link LoadBalancingProperties.OutlierEjection}.
 */
public class OutlierEjectionSettings {

    /** Whether instances failing in a row (connect errors, 5xx) are ejected for a while. */
    private boolean enabled = true;

    /** Failures in a row (connect errors or 5xx responses) that eject an instance. */
    private int consecutiveFailures = 5;

    /** How long a first ejection lasts; each repeat lasts this times the number of ejections in a row. */
    private Duration baseEjectionTime = Duration.ofSeconds(30);

    /** Longest an ejection lasts, however often the instance was ejected. */
    private Duration maxEjectionTime = Duration.ofMinutes(5);

    /** Most instances of a service (in percent, rounded down) that may be ejected at the same time. */
    private int maxEjectedPercent = 50;

    public boolean isEnabled() {
        return this.enabled;
    }

    public void setEnabled(boolean enabled) {
        this.enabled = enabled;
    }

    public int getConsecutiveFailures() {
        return this.consecutiveFailures;
    }

    public void setConsecutiveFailures(int consecutiveFailures) {
        this.consecutiveFailures = consecutiveFailures;
    }

    public Duration getBaseEjectionTime() {
        return this.baseEjectionTime;
    }

    public void setBaseEjectionTime(Duration baseEjectionTime) {
        this.baseEjectionTime = baseEjectionTime;
    }

    public Duration getMaxEjectionTime() {
        return this.maxEjectionTime;
    }

    public void setMaxEjectionTime(Duration maxEjectionTime) {
        this.maxEjectionTime = maxEjectionTime;
    }

    public int getMaxEjectedPercent() {
        return this.maxEjectedPercent;
    }

    public void setMaxEjectedPercent(int maxEjectedPercent) {
        this.maxEjectedPercent = maxEjectedPercent;
    }

    void validate() {
        String prefix = "meshkeeper.loadbalancer.outlier-ejection.";
        if (this.consecutiveFailures < 1) {
            throw new InvalidLoadBalancingPropertyException(prefix + "consecutive-failures",
                    this.consecutiveFailures, "must be at least 1",
                    "Set " + prefix + "consecutive-failures to 1 or more, or " + prefix
                            + "enabled=false to switch ejection off.");
        }
        if (this.baseEjectionTime == null || this.baseEjectionTime.isNegative()
                || this.baseEjectionTime.isZero()) {
            throw new InvalidLoadBalancingPropertyException(prefix + "base-ejection-time", this.baseEjectionTime,
                    "must be positive", "Set " + prefix + "base-ejection-time to a duration such as 30s.");
        }
        if (this.maxEjectionTime == null || this.maxEjectionTime.compareTo(this.baseEjectionTime) < 0) {
            throw new InvalidLoadBalancingPropertyException(prefix + "max-ejection-time", this.maxEjectionTime,
                    "must not be shorter than " + prefix + "base-ejection-time (" + this.baseEjectionTime + ")",
                    "Set " + prefix + "max-ejection-time to at least " + prefix + "base-ejection-time.");
        }
        if (this.maxEjectedPercent < 0 || this.maxEjectedPercent > 100) {
            throw new InvalidLoadBalancingPropertyException(prefix + "max-ejected-percent",
                    this.maxEjectedPercent, "must be between 0 and 100",
                    "Set " + prefix + "max-ejected-percent to a percentage such as 50.");
        }
    }
}
