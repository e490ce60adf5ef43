package dev.meshkeeper.registry.api;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.apache.curator.framework.CuratorFramework;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.data.Stat;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Reads the Curator recipe nodes Meshkeeper applications create: locks under {@code /meshkeeper/locks/{name}}
 * ({@code InterProcessMutex}, {@code InterProcessReadWriteLock}, {@code InterProcessSemaphoreV2}; each node's data is
 * {@code {"instanceId","thread","acquiredAt"}}) and leader latches under {@code /meshkeeper/leaders/{group}}
 * ({@code LeaderLatch}; data = member instance id, the lowest sequence number leads). Read only: a snapshot that
 * may be a few milliseconds old by the time it is shown.
 */
final class CoordinationStore {

    private static final Comparator<Node> BY_SEQUENCE = Comparator.comparing(Node::sequence);

    private final CuratorFramework curator;

    private final String locksRoot;

    private final String leadersRoot;

    private final JsonMapper json;

    CoordinationStore(CuratorFramework curator, String locksRoot, String leadersRoot, JsonMapper json) {
        this.curator = curator;
        this.locksRoot = locksRoot;
        this.leadersRoot = leadersRoot;
        this.json = json;
    }

    List<LockView> locks() throws Exception {
        List<LockView> locks = new ArrayList<>();
        for (String name : children(this.locksRoot)) {
            LockView lock = lock(name);
            if (lock != null) {
                locks.add(lock);
            }
        }
        return locks;
    }

    List<LeaderGroup> leaders() throws Exception {
        List<LeaderGroup> groups = new ArrayList<>();
        for (String group : children(this.leadersRoot)) {
            List<Node> nodes = new ArrayList<>(nodes(this.leadersRoot + "/" + group).stream()
                    .filter(node -> node.sequence() != null).toList());
            nodes.sort(BY_SEQUENCE);
            List<String> members = nodes.stream().map(node -> new String(node.data(), StandardCharsets.UTF_8))
                    .toList();
            groups.add(new LeaderGroup(group, members.isEmpty() ? null : members.get(0), members));
        }
        return groups;
    }

    private LockView lock(String name) throws Exception {
        String path = this.locksRoot + "/" + name;
        Stat parent = this.curator.checkExists().forPath(path);
        if (parent == null) {
            return null;
        }
        List<Node> contenders = new ArrayList<>();
        List<Node> leases = List.of();
        String kind = "mutex";
        for (Node node : nodes(path)) {
            if (node.name().equals("leases")) {
                leases = nodes(path + "/leases");
                kind = "semaphore";
            }
            else if (node.name().equals("locks")) {
                contenders.addAll(nodes(path + "/locks"));
                kind = "semaphore";
            }
            else if (node.sequence() != null) {
                contenders.add(node);
                if (node.name().contains("__READ__") || node.name().contains("__WRIT__")) {
                    kind = "read-write";
                }
            }
        }
        contenders.sort(BY_SEQUENCE);
        List<Node> holders = new ArrayList<>();
        List<Node> waiters = new ArrayList<>();
        if (kind.equals("semaphore")) {
            holders.addAll(leases.stream().filter(node -> node.sequence() != null).sorted(BY_SEQUENCE).toList());
            waiters.addAll(contenders);
        }
        else if (kind.equals("read-write")) {
            boolean writerAhead = false;
            for (int i = 0; i < contenders.size(); i++) {
                Node node = contenders.get(i);
                boolean writer = node.name().contains("__WRIT__");
                boolean holds = writer ? i == 0 : !writerAhead || holdsAfterOwnWrite(contenders, i);
                (holds ? holders : waiters).add(node);
                writerAhead |= writer;
            }
        }
        else if (!contenders.isEmpty()) {
            holders.add(contenders.get(0));
            waiters.addAll(contenders.subList(1, contenders.size()));
        }
        if (holders.isEmpty() && waiters.isEmpty()) {
            return new LockView(name, path, kind, null, null, null, List.of(), List.of());
        }
        Node first = holders.isEmpty() ? null : holders.get(0);
        Holder holder = (first != null) ? holder(first) : null;
        Long token = (first != null) ? fencingToken(kind, first, parent, contenders) : null;
        return new LockView(name, path, kind, holder, token, (holder != null) ? holder.acquiredAt() : null,
                waiters.stream().map(this::holder).map(h -> new Waiter(h.instanceId(), h.thread(), h.acquiredAt()))
                        .toList(),
                holders.stream().map(this::holder).toList());
    }

    /** A read lock behind a write lock of the same holder (a downgrade) is held too. */
    private static boolean holdsAfterOwnWrite(List<Node> contenders, int index) {
        return contenders.get(0).name().contains("__WRIT__") && index > 0 && contenders.subList(0, index).stream()
                .allMatch(node -> node.name().contains("__WRIT__") && node.ephemeralOwner() == contenders
                        .get(index).ephemeralOwner());
    }

    /**
     * The holder's fencing token, computed as the holding application does: a read-write or semaphore lease takes
     * the zxid of its write to the lock node, so the lock node's {@code mzxid} once it is newer than the holder's
     * node; a mutex hold takes the lock node's {@code pzxid} at grant time, or the holder node's {@code mzxid}
     * after a hand-off between threads. Unknown ({@code null}) when a later waiter has moved {@code pzxid} on.
     */
    private static Long fencingToken(String kind, Node holder, Stat parent, List<Node> contenders) {
        if (!kind.equals("mutex")) {
            return (parent.getMzxid() >= holder.czxid()) ? parent.getMzxid() : null;
        }
        if (holder.mzxid() > holder.czxid()) {
            return holder.mzxid();
        }
        boolean waiterJoinedLast = contenders.stream().anyMatch(node -> node.czxid() == parent.getPzxid()
                && node != holder);
        return waiterJoinedLast ? null : parent.getPzxid();
    }

    private Holder holder(Node node) {
        try {
            JsonNode data = this.json.readTree(new String(node.data(), StandardCharsets.UTF_8));
            if (data != null && data.isObject()) {
                return new Holder(text(data, "instanceId"), text(data, "thread"), text(data, "acquiredAt"));
            }
        }
        catch (JacksonException ex) {
            // a lock node written by a plain Curator client: no holder JSON
        }
        return new Holder(null, null, null);
    }

    private static String text(JsonNode data, String field) {
        JsonNode node = data.get(field);
        return (node == null || node.isNull()) ? null : node.asString();
    }

    private List<Node> nodes(String path) throws Exception {
        List<Node> nodes = new ArrayList<>();
        for (String child : children(path)) {
            Stat stat = new Stat();
            try {
                byte[] data = this.curator.getData().storingStatIn(stat).forPath(path + "/" + child);
                nodes.add(new Node(child, sequence(child), (data != null) ? data : new byte[0], stat.getCzxid(),
                        stat.getMzxid(), stat.getEphemeralOwner()));
            }
            catch (KeeperException.NoNodeException ex) {
                // released between listing and reading
            }
        }
        return nodes;
    }

    private static String sequence(String name) {
        int length = name.length();
        if (length < 10) {
            return null;
        }
        String suffix = name.substring(length - 10);
        return suffix.chars().allMatch(Character::isDigit) ? suffix : null;
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

    private record Node(String name, String sequence, byte[] data, long czxid, long mzxid, long ephemeralOwner) {
    }

    record Holder(@Nullable String instanceId, @Nullable String thread, @Nullable String acquiredAt) {
    }

    record Waiter(@Nullable String instanceId, @Nullable String thread, @Nullable String since) {
    }

    /** A lock; {@code holders} lists every current holder (several for shared read locks and semaphores). */
    record LockView(String name, String path, String kind, @Nullable Holder holder, @Nullable Long fencingToken,
            @Nullable String heldSince,
            List<Waiter> waiters, List<Holder> holders) {
    }

    record LeaderGroup(String group, @Nullable String leader, List<String> members) {
    }
}
