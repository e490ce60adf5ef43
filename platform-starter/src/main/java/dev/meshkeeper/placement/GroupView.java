package dev.meshkeeper.placement;

import java.util.HashMap;
import java.util.Map;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.recipes.cache.ChildData;
import org.apache.curator.framework.recipes.cache.CuratorCache;
import org.apache.curator.framework.recipes.cache.CuratorCacheAccessor;
import org.apache.curator.utils.ZKPaths;

/**
 * One member's watched view of its group under {@code {root}/{group}}: the live members with their weights and the
 * published assignment, read from one {@link CuratorCache} (memory reads; the assignment is decoded once per
 * version).
 */
final class GroupView {

    private final CuratorCache cache;

    private final String membersPath;

    private final String ownersPath;

    private final String assignmentPath;

    private volatile Decoded decoded;

    GroupView(CuratorFramework curator, String base) {
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

    /** The live members (their ephemeral nodes) with their shares: weight times load factor ({@link MemberData}). */
    Map<String, Integer> liveMembers() {
        Map<String, Integer> shares = new HashMap<>();
        this.cache.stream().filter(CuratorCacheAccessor.parentPathFilter(this.membersPath)).forEach(data -> shares
                .put(ZKPaths.getNodeFromPath(data.getPath()), MemberData.fromJson(data.getData()).share()));
        return shares;
    }

    private record Decoded(long mzxid, int version, PublishedAssignment assignment) {
    }
}
