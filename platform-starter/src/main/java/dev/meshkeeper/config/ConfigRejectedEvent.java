package dev.meshkeeper.config;

import org.springframework.context.ApplicationEvent;

/**
 * Published when a value written to ZooKeeper was not applied because the affected
 * {@code @ConfigurationProperties} bean could not be bound or validated with it. The live bean and the
 * {@code Environment} keep the last good value; the next different value for the key is tried again.
 */
public class ConfigRejectedEvent extends ApplicationEvent {

    private final String context;

    private final String key;

    private final String value;

    private final String reason;

    /**
     * @param source the publisher
     * @param context the ZooKeeper context path, e.g. {@code /config/order-service}
     * @param key the property key, e.g. {@code orders.max-quantity}
     * @param value the rejected value, masked when the key looks sensitive ({@code null} for a deleted key)
     * @param reason why it was rejected
     */
    public ConfigRejectedEvent(Object source, String context, String key, String value, String reason) {
        super(source);
        this.context = context;
        this.key = key;
        this.value = value;
        this.reason = reason;
    }

    /** The ZooKeeper context path the value was written to, e.g. {@code /config/order-service}. */
    public String getContext() {
        return this.context;
    }

    /** The property key, e.g. {@code orders.max-quantity}. */
    public String getKey() {
        return this.key;
    }

    /** The rejected value, masked ({@code ******}) for sensitive keys; {@code null} when the key was deleted. */
    public String getValue() {
        return this.value;
    }

    /** Why binding or validation failed. */
    public String getReason() {
        return this.reason;
    }
}
