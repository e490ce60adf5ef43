package dev.meshkeeper.placement;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.recipes.cache.ChildData;
import org.apache.curator.framework.recipes.cache.CuratorCache;
import org.apache.curator.framework.recipes.cache.CuratorCacheListener;
import org.apache.curator.utils.ZKPaths;

/**
 * One member's watched view of its group under {@code {root}/{group}}: the live members with their weights and the
 * published assignment, read from one {@link CuratorCache} (memory reads; the assignment is decoded once per
 * version). The live members are kept up to date from the cache's events, so that reading them does not scan the
 * group's claims, which a group of 10,000 items holds as many of.
 */
final class GroupView {

    private final CuratorCache cache;

    private final String membersPath;

    private final String ownersPath;

    private final String assignmentPath;

    private volatile Decoded decoded;

    private final Map<String, Integer> members = new ConcurrentHashMap<>();

    private final AtomicLong membersChanges = new AtomicLong();

    private final Set<String> ownClaims = ConcurrentHashMap.newKeySet();

    private final CuratorFramework curator;

    GroupView(CuratorFramework curator, String base) {
        this.curator = curator;
        this.cache = CuratorCache.build(curator, base);
        this.membersPath = ZKPaths.makePath(base, "members");
        this.ownersPath = ZKPaths.makePath(base, "owners");
        this.assignmentPath = ZKPaths.makePath(base, "assignment");
    }

    CuratorCache cache() {
        return this.cache;
    }

    String membersPath() {
        return this.membersPath;
    }

    String ownersPath() {
        return this.ownersPath;
    }

    String assignmentPath() {
        return this.assignmentPath;
    }

    /** The assignment in the cache, decoded once per version. */
    PublishedAssignment published() {
        ChildData data = this.cache.get(this.assignmentPath).orElse(null);
        if (data == null) {
            return PublishedAssignment.NONE;
        }
        Decoded decoded = this.decoded;
        if (decoded == null || decoded.mzxid() != data.getStat().getMzxid()) {
            decoded = new Decoded(data.getStat().getMzxid(), data.getStat().getVersion(),
                    PublishedAssignment.fromJson(this.assignmentPath, data.getData()));
            this.decoded = decoded;
        }
        return decoded.assignment();
    }

    /** The version of the assignment node {@link #published()} decoded, -1 when there is none. */
    int publishedVersion() {
        Decoded decoded = this.decoded;
        return (decoded != null && this.cache.get(this.assignmentPath).isPresent()) ? decoded.version() : -1;
    }

    /** Runs {@code react} after every event of the cache a member has to react to, and once the cache is loaded. */
    void onChange(Runnable react) {
        this.cache.listenable().addListener(CuratorCacheListener.builder().forAll((type, before, after) -> {
            if (changed(type, before, after)) {
                react.run();
            }
        }).forInitialized(react).build());
    }

    /**
     * Takes one event of the cache in (on the cache's thread): a member node updates the live members.
     * @return whether a member has to react to it: anything but another session's new claim, which frees no item
     */
    boolean changed(CuratorCacheListener.Type type, ChildData before, ChildData after) {
        ChildData data = (after != null) ? after : before;
        String path = data.getPath();
        int slash = path.lastIndexOf('/');
        if (slash == this.membersPath.length() && path.startsWith(this.membersPath)) {
            String member = path.substring(slash + 1);
            if (type == CuratorCacheListener.Type.NODE_DELETED) {
                this.members.remove(member);
            }
            else {
                this.members.put(member, MemberData.fromJson(data.getData()).share());
            }
            this.membersChanges.incrementAndGet();
            return true;
        }
        if (slash != this.ownersPath.length() || !path.startsWith(this.ownersPath)) {
            return true;
        }
        String item = path.substring(slash + 1);
        if (type == CuratorCacheListener.Type.NODE_DELETED) {
            this.ownClaims.remove(item);
            return true;
        }
        if (data.getStat().getEphemeralOwner() == sessionId()) {
            this.ownClaims.add(item);
            return true;
        }
        return false;
    }

    /**
     * The items this session holds a claim on as far as the cache has shown, kept up to date from its events (may
     * still name claims that went with an earlier session), so that looking for stale claims needs no scan.
     */
    Set<String> ownClaims() {
        return this.ownClaims;
    }

    private long sessionId() {
        try {
            return this.curator.getZookeeperClient().getZooKeeper().getSessionId();
        }
        catch (Exception ex) {
            return 0;
        }
    }

    /** Grows with every change of the live members or their shares; read it before {@link #liveMembers()}. */
    long membersChanges() {
        return this.membersChanges.get();
    }

    /** The live members (their ephemeral nodes) with their shares: weight times load factor ({@link MemberData}). */
    Map<String, Integer> liveMembers() {
        return Map.copyOf(this.members);
    }

    private record Decoded(long mzxid, int version, PublishedAssignment assignment) {
    }
}
