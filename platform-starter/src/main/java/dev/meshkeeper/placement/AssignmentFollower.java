package dev.meshkeeper.placement;

import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.function.BiPredicate;
import java.util.stream.Collectors;
import org.apache.zookeeper.KeeperException;

/**
 * A member's side of an assignment, on the member's thread: stop and release the items it no longer holds, then
 * claim and start the items it was given; an item still claimed by its previous owner is started when that claim
 * goes.
 */
final class AssignmentFollower {

    private final String member;

    private final OwnedItems owned;

    private final ItemClaims claims;

    private final WorkListener listener;

    private final BiPredicate<String, Long> starter;

    private volatile PublishedAssignment seen = PublishedAssignment.NONE;

    private long seenAt;

    private boolean settled = true;

    /** The items {@link #mineOf} gives this member: an assignment is scanned once, not at every reaction. */
    private Set<String> mine = Set.of();

    private PublishedAssignment mineOf;

    /** {@code starter} starts an item whose claim is this session's and says whether it did. */
    AssignmentFollower(String member, OwnedItems owned, ItemClaims claims, WorkListener listener,
            BiPredicate<String, Long> starter) {
        this.member = member;
        this.owned = owned;
        this.claims = claims;
        this.listener = listener;
        this.starter = starter;
    }

    /** The assignment this member saw last. */
    PublishedAssignment seen() {
        return this.seen;
    }

    /** @return whether every item the assignment gives this member runs now */
    boolean follow(PublishedAssignment current) throws KeeperException {
        if (current.generation() != this.seen.generation() || current.epoch() != this.seen.epoch()) {
            this.seen = current;
            this.seenAt = System.nanoTime();
            this.settled = false;
        }
        if (current != this.mineOf) {
            this.mine = current.owners().entrySet().stream().filter(entry -> this.member.equals(entry.getValue()))
                    .map(Map.Entry::getKey).collect(Collectors.toUnmodifiableSet());
            this.mineOf = current;
        }
        Set<String> mine = this.mine;
        this.owned.release(this.owned.notIn(mine), "reassigned in generation " + current.generation());
        Set<String> keep = new HashSet<>(mine);
        keep.addAll(this.owned.items());
        this.owned.release(this.claims.stale(keep), "stale claim");
        boolean all = this.claims.claimAll(mine.stream().filter(item -> !this.owned.contains(item)).toList(),
                this.starter);
        if (all && !this.settled) {
            this.settled = true;
            this.listener.settled(current.generation(), System.nanoTime() - this.seenAt);
        }
        return all;
    }
}
