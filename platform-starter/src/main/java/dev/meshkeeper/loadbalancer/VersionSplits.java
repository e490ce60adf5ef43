package dev.meshkeeper.loadbalancer;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.properties.bind.BindException;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.core.env.Environment;

/**
 * The version split of every called service ({@code meshkeeper.loadbalancer.clients.<service>.version-split}), in
 * force now. Read at start-up (an unparsable split fails start-up naming the property) and again when the environment
 * changes: a split that does not parse is rejected with one warning and the last good split stays.
 */
final class VersionSplits {

    private static final Logger logger = LoggerFactory.getLogger(VersionSplits.class);

    static final String PREFIX = "meshkeeper.loadbalancer.clients";

    private final Environment environment;

    private final AtomicReference<Map<String, VersionSplit>> splits = new AtomicReference<>(Map.of());

    private final Set<String> warned = ConcurrentHashMap.newKeySet();

    VersionSplits(Environment environment) {
        this.environment = environment;
        Map<String, VersionSplit> initial = new LinkedHashMap<>();
        clients().forEach((service, split) -> {
            try {
                initial.put(service, VersionSplit.parse(split));
            }
            catch (IllegalArgumentException ex) {
                String property = property(service);
                throw new InvalidLoadBalancingPropertyException(property, split,
                        "does not parse: " + ex.getMessage(),
                        "Set " + property + " to version=weight pairs, e.g. v1=90,v2=10");
            }
        });
        this.splits.set(Map.copyOf(initial));
    }

    /** The split of calls to {@code serviceId}, {@code null} when none is configured. */
    VersionSplit splitFor(String serviceId) {
        return this.splits.get().get(serviceId);
    }

    /** Every split in force, by service. */
    Map<String, VersionSplit> all() {
        return new TreeMap<>(this.splits.get());
    }

    /** Re-reads the splits if one of the changed keys concerns them. */
    void environmentChanged(Set<String> keys) {
        if (keys.stream().noneMatch((key) -> key.startsWith(PREFIX + "."))) {
            return;
        }
        Map<String, String> configured;
        try {
            configured = clients();
        }
        catch (BindException ex) {
            warnOnce(ex.getMessage() + "; the version splits in force stay as they are");
            return;
        }
        this.splits.updateAndGet((before) -> {
            Map<String, VersionSplit> after = new LinkedHashMap<>();
            configured.forEach((service, text) -> {
                try {
                    after.put(service, VersionSplit.parse(text));
                }
                catch (IllegalArgumentException ex) {
                    warnOnce(property(service) + " '" + text + "' does not parse (" + ex.getMessage()
                            + "); the last good split stays in force. Write version=weight pairs, e.g. v1=90,v2=10");
                    VersionSplit previous = before.get(service);
                    if (previous != null) {
                        after.put(service, previous);
                    }
                }
            });
            return Map.copyOf(after);
        });
    }

    private Map<String, String> clients() {
        Map<String, LoadBalancingProperties.Client> clients = Binder.get(this.environment)
                .bind(PREFIX, Bindable.mapOf(String.class, LoadBalancingProperties.Client.class))
                .orElseGet(Map::of);
        Map<String, String> splits = new LinkedHashMap<>();
        clients.forEach((service, client) -> {
            if (client != null && client.getVersionSplit() != null && !client.getVersionSplit().isBlank()) {
                splits.put(service, client.getVersionSplit());
            }
        });
        return splits;
    }

    private static String property(String service) {
        return PREFIX + "." + service + ".version-split";
    }

    private void warnOnce(String message) {
        if (this.warned.add(message)) {
            logger.warn(message);
        }
    }
}
