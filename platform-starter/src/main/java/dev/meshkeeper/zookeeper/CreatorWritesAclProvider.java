package dev.meshkeeper.zookeeper;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.apache.curator.framework.api.ACLProvider;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.data.ACL;

/**
 * ACLs of every node an authenticated application creates: all rights for the identity that created it (ZooKeeper
 * replaces the {@code auth} id by the creator's digest id), read for every client. Registrations, lock and latch
 * nodes and anything else the application writes can then be changed or removed only by the application itself
 * (and the registry's administrator).
 */
final class CreatorWritesAclProvider implements ACLProvider {

    static final List<ACL> CREATOR_ALL_WORLD_READ;

    static {
        List<ACL> acl = new ArrayList<>(ZooDefs.Ids.CREATOR_ALL_ACL);
        acl.addAll(ZooDefs.Ids.READ_ACL_UNSAFE);
        CREATOR_ALL_WORLD_READ = Collections.unmodifiableList(acl);
    }

    @Override
    public List<ACL> getDefaultAcl() {
        return CREATOR_ALL_WORLD_READ;
    }

    @Override
    public List<ACL> getAclForPath(String path) {
        return CREATOR_ALL_WORLD_READ;
    }
}
