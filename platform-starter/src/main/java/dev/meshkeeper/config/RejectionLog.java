package dev.meshkeeper.config;

import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.ApplicationEventPublisher;

/**
 * The values currently rejected, one per context and key: each rejection is reported once (one WARN naming the key,
 * context, masked value, bean and reason, and one {@link ConfigRejectedEvent}); the same value is not tried or
 * reported again while it stays in ZooKeeper, the next different value is.
 */
final class RejectionLog {

    /** The category the WARN has always been logged under (operators filter on it). */
    private static final Logger logger = LoggerFactory.getLogger(LiveConfigRefresher.class);

    private final Object eventSource;

    private final ApplicationEventPublisher publisher;

    private final ConfigValueMask mask;

    private final Clock clock;

    private final Map<String, Rejection> rejections = new ConcurrentHashMap<>();

    /**
     * @param eventSource the source of the published events
     * @param publisher where the events go
     * @param mask masks values before they are logged, published or shown
     * @param clock when a rejection began
     */
    RejectionLog(Object eventSource, ApplicationEventPublisher publisher, ConfigValueMask mask, Clock clock) {
        this.eventSource = eventSource;
        this.publisher = publisher;
        this.mask = mask;
        this.clock = clock;
    }

    /** Whether {@code change} brings the value already rejected for its key (nothing to try or report again). */
    boolean isStillRejected(ConfigChange change) {
        Rejection rejected = this.rejections.get(change.id());
        return rejected != null && Objects.equals(rejected.rawValue, change.newValue());
    }

    /** Forgets the rejections of the keys of {@code context} whose value in ZooKeeper is the applied one again. */
    void forgetSettled(String context, Map<String, String> applied, Map<String, String> fresh) {
        if (this.rejections.isEmpty()) {
            return;
        }
        for (String key : ConfigChange.keysOf(applied, fresh)) {
            if (Objects.equals(applied.get(key), fresh.get(key))) {
                this.rejections.remove(ConfigChange.idOf(context, key));
            }
        }
    }

    /** Forgets the rejection of a key whose new value was applied. */
    void forget(ConfigChange applied) {
        this.rejections.remove(applied.id());
    }

    /** Records and reports a refused change; the key keeps {@code change.oldValue()}. */
    void reject(ConfigChange change, ChangeValidator.Refusal refusal) {
        WatchedContext context = change.context();
        String masked = this.mask.mask(context.source(), change.key(), change.newValue());
        String kept = this.mask.mask(context.source(), change.key(), change.oldValue());
        this.rejections.put(change.id(), new Rejection(context.path(), change.key(), change.newValue(), masked,
                refusal.reason(), refusal.beanName(), Instant.now(this.clock)));
        logger.warn("Rejected config change: key '" + change.key() + "' in ZooKeeper context '" + context.path()
                + "' = " + quoted(masked) + " does not bind to @ConfigurationProperties bean '" + refusal.beanName()
                + "' (" + refusal.reason() + "); keeping the last good value " + quoted(kept)
                + ". Write a valid value to " + ContextKeys.pathOf(context.path(), change.key())
                + " (or the dotted key) to apply it.");
        this.publisher.publishEvent(
                new ConfigRejectedEvent(this.eventSource, context.path(), change.key(), masked, refusal.reason()));
    }

    /** The values currently rejected (masked), as the actuator endpoint shows them. */
    List<Map<String, Object>> describe() {
        return this.rejections.values().stream().map(Rejection::describe).toList();
    }

    private static String quoted(String value) {
        return (value != null) ? "'" + value + "'" : "<absent>";
    }

    private record Rejection(String context, String key, String rawValue, String maskedValue, String reason,
            String bean, Instant since) {

        Map<String, Object> describe() {
            Map<String, Object> described = new LinkedHashMap<>();
            described.put("context", this.context);
            described.put("key", this.key);
            described.put("value", this.maskedValue);
            described.put("reason", this.reason);
            described.put("bean", this.bean);
            described.put("since", this.since.toString());
            return described;
        }
    }
}
