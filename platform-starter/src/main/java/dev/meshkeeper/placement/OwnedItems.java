package dev.meshkeeper.placement;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.curator.framework.state.ConnectionState;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The items one member works on now, with their tokens. An item is started only after its claim was created and its
 * claim is deleted only after the item was stopped. Changed on the member's thread only; read from any thread.
 */
final class OwnedItems {

    private final Map<String, Long> owned = new ConcurrentHashMap<>();

    private static final Logger logger = LoggerFactory.getLogger(OwnedItems.class);

    private final String group;

    private final WorkListener listener;

    private final ItemClaims claims;

    OwnedItems(String group, WorkListener listener, ItemClaims claims) {
        this.group = group;
        this.listener = listener;
        this.claims = claims;
    }

    /** Starts an item whose claim is this session's. */
    void start(String item, long token) {
        this.owned.put(item, token);
        this.listener.assigned(item, token);
    }

    /** Stops the items, then deletes their claims. */
    void release(Collection<String> items, String reason) {
        items.forEach(item -> stop(item, reason));
        this.claims.deleteAll(items);
    }

    /** Stops every item and deletes its claim. */
    void releaseAll(String reason) {
        release(Set.copyOf(this.owned.keySet()), reason);
    }

    /** Stops every item but leaves its claim (it goes with the session, or is taken up again on reconnect). */
    void stopAll(String reason) {
        Set.copyOf(this.owned.keySet()).forEach(item -> stop(item, reason));
    }

    /** Stops every item while the connection is away (fail closed); the claims stay with the session. */
    void stopAllWhile(ConnectionState state) {
        if (!this.owned.isEmpty()) {
            logger.warn("Work group '{}': ZooKeeper connection {}; stopped all {} items of this instance until it "
                    + "returns", this.group, state, this.owned.size());
        }
        stopAll("connection " + state);
    }

    /** The owned items that {@code mine} no longer holds. */
    List<String> notIn(Set<String> mine) {
        return this.owned.keySet().stream().filter(item -> !mine.contains(item)).toList();
    }

    boolean contains(String item) {
        return this.owned.containsKey(item);
    }

    Set<String> items() {
        return this.owned.keySet();
    }

    Map<String, Long> tokens() {
        return Map.copyOf(this.owned);
    }

    int size() {
        return this.owned.size();
    }

    private void stop(String item, String reason) {
        Long token = this.owned.remove(item);
        if (token != null) {
            this.listener.revoked(item, token, reason);
        }
    }
}
