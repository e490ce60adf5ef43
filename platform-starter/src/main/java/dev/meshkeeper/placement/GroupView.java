package dev.meshkeeper.placement;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.recipes.cache.ChildData;
import org.apache.curator.framework.recipes.cache.CuratorCache;
import org.apache.curator.framework.recipes.cache.CuratorCacheListener;
import org.apache.curator.utils.ZKPaths;

/**
 * One member's watched view of its group under {@code {root}/{group}}: the live members with their weights and the
 * published assignment, each read from its own {@link CuratorCache} (memory reads; the assignment is decoded once
 * per version). The group's claims ({@code owners/}) are deliberately not cached: a group of 10,000 items holds as
 * many claims, and a cache of them would make every member read each claim that comes or goes (and a joining member
 * read all of them, 20,000 requests that the server answers before anyone else's) while a member only needs to know
 * about the claims of the items it is given ({@link ItemClaims} watches those).
 */
final class GroupView {

    private final CuratorCache membersCache;

    private final CuratorCache assignmentCache;

    private final String membersPath;

    private final String ownersPath;

    private final String assignmentPath;

    private volatile Decoded decoded;

    private final Map<String, Integer> members = new ConcurrentHashMap<>();

    private final AtomicLong membersChanges = new AtomicLong();

    GroupView(CuratorFramework curator, String base) {
        this.membersPath = ZKPaths.makePath(base, "members");
        this.ownersPath = ZKPaths.makePath(base, "owners");
        this.assignmentPath = ZKPaths.makePath(base, "assignment");
        this.membersCache = CuratorCache.build(curator, this.membersPath);
        this.assignmentCache = CuratorCache.build(curator, this.assignmentPath,
                CuratorCache.Options.SINGLE_NODE_CACHE);
    }

    void start() {
        this.membersCache.start();
        this.assignmentCache.start();
    }

    void close() {
        this.membersCache.close();
        this.assignmentCache.close();
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
        ChildData data = this.assignmentCache.get(this.assignmentPath).orElse(null);
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
        return (decoded != null && this.assignmentCache.get(this.assignmentPath).isPresent()) ? decoded.version()
                : -1;
    }

    /** Runs {@code react} after every event of the caches (members, assignment), and once each is loaded. */
    void onChange(Runnable react) {
        for (CuratorCache cache : new CuratorCache[] { this.membersCache, this.assignmentCache }) {
            cache.listenable().addListener(CuratorCacheListener.builder().forAll((type, before, after) -> {
                changed(type, before, after);
                react.run();
            }).forInitialized(react).build());
        }
    }

    /** Takes one event of the caches in (on the cache's thread): a member node updates the live members. */
    void changed(CuratorCacheListener.Type type, ChildData before, ChildData after) {
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
