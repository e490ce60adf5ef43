package dev.meshkeeper.registry.api;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.curator.framework.CuratorFramework;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.data.Stat;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Reads the work groups Meshkeeper applications keep under {@code /meshkeeper/placement/{group}}: the members
 * ({@code members/{instance-id}}, data {@code {"weight":n}}), the leader (the lowest {@code leader/} latch node), the
 * assignment the leader published ({@code assignment}: generation, epoch, item to owner) and the claims of the items
 * running now ({@code owners/{item}}: data = the owner, creation zxid = the item's fencing token). Read only: a
 * snapshot that may be a few milliseconds old by the time it is shown.
 */
final class PlacementStore {

    private final CuratorFramework curator;

    private final String root;

    private final JsonMapper json;

    PlacementStore(CuratorFramework curator, String root, JsonMapper json) {
        this.curator = curator;
        this.root = root;
        this.json = json;
    }

    List<PlacementGroup> groups() throws Exception {
        List<PlacementGroup> groups = new ArrayList<>();
        for (String group : children(this.root)) {
            groups.add(group(group));
        }
        return groups;
    }

    private PlacementGroup group(String group) throws Exception {
        String base = this.root + "/" + group;
        Map<String, String> assigned = new LinkedHashMap<>();
        long generation = 0;
        long epoch = 0;
        List<Move> recentMoves = new ArrayList<>();
        byte[] assignment = data(base + "/assignment", null);
        if (assignment != null && assignment.length > 0) {
            try {
                JsonNode node = this.json.readTree(assignment);
                generation = node.path("generation").asLong(0);
                epoch = node.path("epoch").asLong(0);
                node.path("owners").properties().forEach(entry -> assigned.put(entry.getKey(),
                        entry.getValue().asString()));
                node.path("moves").values().forEach(move -> recentMoves.add(new Move(move.path("item").asString(),
                        move.path("from").asString(), move.path("to").asString(), move.path("generation").asLong(0),
                        move.path("at").asString())));
            }
            catch (JacksonException ex) {
                // not written by a Meshkeeper leader: shown without an assignment
            }
        }
        List<Item> items = new ArrayList<>();
        Map<String, Integer> running = new LinkedHashMap<>();
        for (String item : children(base + "/owners")) {
            Stat stat = new Stat();
            byte[] owner = data(base + "/owners/" + item, stat);
            if (owner != null) {
                String runningOn = new String(owner, StandardCharsets.UTF_8);
                running.merge(runningOn, 1, Integer::sum);
                items.add(new Item(item, assigned.get(item), runningOn, stat.getCzxid()));
            }
        }
        assigned.forEach((item, owner) -> {
            if (items.stream().noneMatch(known -> known.item().equals(item))) {
                items.add(new Item(item, owner, null, null));
            }
        });
        items.sort(Comparator.comparing(Item::item, PlacementStore::compareItems));
        List<Member> members = new ArrayList<>();
        for (String member : children(base + "/members")) {
            byte[] data = data(base + "/members/" + member, null);
            int weight = 1;
            try {
                weight = (data != null && data.length > 0) ? this.json.readTree(data).path("weight").asInt(1) : 1;
            }
            catch (JacksonException ex) {
                // a member node without JSON counts with weight 1, as the leader counts it
            }
            int share = (int) assigned.values().stream().filter(member::equals).count();
            members.add(new Member(member, weight, share, running.getOrDefault(member, 0)));
        }
        long moving = items.stream().filter(item -> item.assignedTo() != null
                && !item.assignedTo().equals(item.runningOn())).count();
        return new PlacementGroup(group, leader(base + "/leader"), generation, epoch, members, (int) moving, items,
                recentMoves);
    }

    private String leader(String path) throws Exception {
        String lowest = null;
        for (String child : children(path)) {
            if (child.length() >= 10 && (lowest == null || sequence(child).compareTo(sequence(lowest)) < 0)) {
                lowest = child;
            }
        }
        byte[] data = (lowest != null) ? data(path + "/" + lowest, null) : null;
        return (data != null) ? new String(data, StandardCharsets.UTF_8) : null;
    }

    private static String sequence(String name) {
        return name.substring(name.length() - 10);
    }

    static int compareItems(String a, String b) {
        boolean numeric = a.length() < 10 && b.length() < 10 && !a.isEmpty() && !b.isEmpty()
                && a.chars().allMatch(Character::isDigit) && b.chars().allMatch(Character::isDigit);
        return numeric ? Integer.compare(Integer.parseInt(a), Integer.parseInt(b)) : a.compareTo(b);
    }

    private byte[] data(String path, Stat stat) throws Exception {
        try {
            return (stat != null) ? this.curator.getData().storingStatIn(stat).forPath(path)
                    : this.curator.getData().forPath(path);
        }
        catch (KeeperException.NoNodeException ex) {
            return null;
        }
    }

    private List<String> children(String path) throws Exception {
        try {
            List<String> children = new ArrayList<>(this.curator.getChildren().forPath(path));
            children.sort(Comparator.naturalOrder());
            return children;
        }
        catch (KeeperException.NoNodeException ex) {
            return List.of();
        }
    }

    /**
     * One work group.
     * @param moving items not (yet) running on the member they are assigned to: hand-offs in progress
     * @param recentMoves the last item moves the group's leaders published (at most 50), newest first
     */
    record PlacementGroup(String group, @Nullable String leader, long generation, long epoch, List<Member> members,
            int moving, List<Item> items, List<Move> recentMoves) {
    }

    /** An item the assignment of {@code generation} moved from one member to another, at {@code at} (ISO-8601). */
    record Move(String item, @Nullable String from, @Nullable String to, long generation, @Nullable String at) {
    }

    /** A member with its weight, the items assigned to it and the items it runs now. */
    record Member(String instanceId, int weight, int assigned, int running) {
    }

    /** An item: whom the assignment gives it to, who runs it now, and its fencing token while it runs. */
    record Item(String item, @Nullable String assignedTo, @Nullable String runningOn, @Nullable Long fencingToken) {
    }
}
