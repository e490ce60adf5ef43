package dev.meshkeeper.placement;

import dev.meshkeeper.zookeeper.ZooKeeperRequests;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.curator.framework.CuratorFramework;

/** A work group this instance declared: its items, its weight, what it runs, and its membership while joined. */
final class Declared {

    private final String group;

    private final List<String> items;

    private final int weight;

    private final GroupWork work;

    private final AtomicReference<PlacementMember> member = new AtomicReference<>();

    Declared(String group, List<String> items, int weight, GroupWork work) {
        this.group = group;
        this.items = items;
        this.weight = weight;
        this.work = work;
    }

    synchronized void join(CuratorFramework curator, ZooKeeperRequests requests, String root, String instanceId,
            MemberNode.Load load) {
        if (this.member.get() != null) {
            return;
        }
        PlacementMember joined = new PlacementMember(curator, requests, root, this.group, instanceId, this.weight,
                this.items, this.work, load);
        this.member.set(joined);
        try {
            joined.start();
        }
        catch (Exception ex) {
            this.member.set(null);
            throw new IllegalStateException("could not join work group '" + this.group + "' under " + root, ex);
        }
    }

    synchronized void leave() {
        PlacementMember current = this.member.getAndSet(null);
        if (current != null) {
            current.stop();
        }
    }

    PlacementMember member() {
        return this.member.get();
    }

    Assignment assignment(String instanceId) {
        PlacementMember current = this.member.get();
        return (current != null) ? current.assignment() : new Assignment(this.group, instanceId, 0, 0, Map.of());
    }

    /** Adds the worker; it starts on the group's thread for items owned already. */
    void addWorker(ItemWorker worker) {
        PlacementMember current = this.member.get();
        if (current == null) {
            this.work.add(worker);
        }
        else {
            current.onThread(() -> {
                this.work.add(worker);
                current.assignment().tokens().forEach((item, token) -> this.work.startLate(worker, item, token));
            });
        }
    }

    Map<String, Object> describe(String instanceId) {
        Assignment assignment = assignment(instanceId);
        PlacementMember current = this.member.get();
        Map<String, Object> entry = new LinkedHashMap<>();
        entry.put("member", assignment.member());
        entry.put("weight", this.weight);
        entry.put("items", this.items.size());
        entry.put("leader", (current != null) ? current.currentLeader().orElse(null) : null);
        entry.put("isLeader", current != null && current.leads());
        entry.put("generation", assignment.generation());
        entry.put("epoch", assignment.epoch());
        entry.put("owned", assignment.items());
        entry.put("fencingTokens", assignment.sortedTokens());
        if (current != null && current.leads()) {
            entry.put("members", current.view().liveMembers());
            entry.put("recentChanges", this.work.recentChanges());
        }
        return entry;
    }
}
