package dev.meshkeeper.placement;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.apache.curator.framework.api.transaction.CuratorOp;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.data.Stat;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The leader's part of a {@link PlacementMember}: recompute the assignment from the live members and the published
 * one, and publish it when it differs, fenced by the leader's own latch node. It computes only when the members,
 * the published assignment or its own leadership changed since the last computation that succeeded: a claim coming
 * or going, which is most of a group's changes during a hand-off, costs the leader nothing.
 */
final class PlacementLeader {

    private static final Logger logger = LoggerFactory.getLogger(PlacementLeader.class);

    private final PlacementMember member;

    private String epochPath;

    private long epoch;

    private final WorkListener listener;

    /** The inputs of the last assignment computed and, if it differed, published. */
    private PublishedAssignment computedFrom;

    private long computedAt = -1;

    private long computedIn;

    PlacementLeader(PlacementMember member, WorkListener listener) {
        this.member = member;
        this.listener = listener;
    }

    /** Runs on the member's thread while its latch holds leadership and the connection is up. */
    void lead() throws KeeperException {
        String ourPath = this.member.latch().getOurPath();
        if (ourPath == null) {
            return;
        }
        if (!ourPath.equals(this.epochPath)) {
            Stat latchNode = this.member.requests().call("exists", ourPath,
                    (client, callback) -> client.checkExists().inBackground(callback).forPath(ourPath)).getStat();
            if (latchNode == null) {
                return;
            }
            this.epochPath = ourPath;
            this.epoch = latchNode.getCzxid();
            logger.info("Leader of work group '{}' ({}, epoch {})", this.member.group(), this.member.member(),
                    this.epoch);
        }
        String path = this.member.view().assignmentPath();
        long membersChanges = this.member.view().membersChanges();
        PublishedAssignment current = this.member.view().published();
        int version = this.member.view().publishedVersion();
        if (current == this.computedFrom && membersChanges == this.computedAt && this.epoch == this.computedIn) {
            return;
        }
        boolean stored = version >= 0;
        Map<String, Integer> live = this.member.view().liveMembers();
        Map<String, String> next = PlacementBalancer.balance(current.owners(), this.member.items(), live);
        if (stored && next.equals(current.owners()) && current.epoch() == this.epoch) {
            computed(current, membersChanges);
            return;
        }
        boolean changed = !stored || !next.equals(current.owners());
        long generation = changed ? current.generation() + 1 : current.generation();
        List<PublishedAssignment.Move> moves = changed
                ? current.movesTo(next, generation, Instant.now().toString()) : current.moves();
        byte[] bytes = new PublishedAssignment(generation, this.epoch, next, moves).toJson();
        this.member.requests().call("publish", path, (client, callback) -> {
            CuratorOp check = client.transactionOp().check().forPath(ourPath);
            CuratorOp write = (version >= 0) ? client.transactionOp().setData().withVersion(version)
                    .forPath(path, bytes) : client.transactionOp().create().forPath(path, bytes);
            client.transaction().inBackground(callback).forOperations(check, write);
        });
        int moved = (int) current.owners().entrySet().stream()
                .filter(entry -> live.containsKey(entry.getValue()))
                .filter(entry -> !Objects.equals(next.get(entry.getKey()), entry.getValue())).count();
        logger.debug("Work group '{}': published generation {} (epoch {}, {} members, {} moved)",
                this.member.group(), generation, this.epoch, live.size(), moved);
        if (changed) {
            this.listener.published(generation, moved);
        }
        computed(current, membersChanges);
    }

    /**
     * The assignment is right for these inputs: until the members or the assignment change, or leadership moves,
     * there is nothing to compute. A write that failed records nothing, so its retry computes again.
     */
    private void computed(PublishedAssignment from, long membersChanges) {
        this.computedFrom = from;
        this.computedAt = membersChanges;
        this.computedIn = this.epoch;
    }
}
