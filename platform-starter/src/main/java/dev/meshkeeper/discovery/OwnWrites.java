package dev.meshkeeper.discovery;

import java.util.Deque;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedDeque;

/**
 * The metadata this instance wrote to its node and has not yet seen come back, so that a node content read later
 * can be told apart: an echo of one of these writes (or the current metadata) is ours, anything else was written by
 * someone else. Bounded: only the latest writes are remembered. Callers hold the registration's write lock.
 */
final class OwnWrites {

    private static final int MAX_PENDING_WRITES = 64;

    private final Deque<Map<String, String>> pending = new ConcurrentLinkedDeque<>();

    void wrote(Map<String, String> metadata) {
        this.pending.addLast(Map.copyOf(metadata));
        while (this.pending.size() > MAX_PENDING_WRITES) {
            this.pending.pollFirst();
        }
    }

    /**
     * Whether {@code seen} is the current metadata or an echo of a write of ours; an echo drops that write and every
     * older one, anything else (a foreign write) forgets them all.
     */
    boolean isOwn(Map<String, String> seen, Map<String, String> current) {
        if (seen.equals(current)) {
            this.pending.clear();
            return true;
        }
        for (Iterator<Map<String, String>> it = this.pending.iterator(); it.hasNext();) {
            if (it.next().equals(seen)) {
                while (!this.pending.isEmpty() && !this.pending.pollFirst().equals(seen)) {
                    // older writes are superseded
                }
                return true;
            }
        }
        this.pending.clear();
        return false;
    }
}
