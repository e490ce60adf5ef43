package dev.meshkeeper.registry.zookeeper;

import dev.meshkeeper.registry.server.RegistryServerException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.state.ConnectionState;
import org.apache.curator.framework.state.ConnectionStateListener;
import org.apache.curator.utils.ZKPaths;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.ZooDefs.Perms;
import org.apache.zookeeper.data.ACL;
import org.apache.zookeeper.data.ClientInfo;
import org.apache.zookeeper.data.Id;
import org.apache.zookeeper.data.Stat;
import org.apache.zookeeper.server.auth.ProviderRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The ACLs the registry keeps on its ZooKeeper tree when authentication is on, applied at every start (missing
 * nodes are created, existing ones get their ACL set again, so an earlier run without authentication or a changed
 * application list is corrected):
 * <ul>
 * <li>{@code /} and the parents of the paths below: everyone reads; only the registry creates;</li>
 * <li>the config root: everyone reads (lists the contexts); a context and every node in it: read by the application
 * it belongs to ({@code <app>}, {@code <app>,<profile>}), by everyone for the shared {@code application} context, by
 * the registry alone for any other; the config history and the audit log: the registry alone. Only the registry
 * (the config API, operators through it) writes any of them ({@link RegistryAuthentication#aclFor});</li>
 * <li>the services root and the node of every service no application is listed for: everyone reads;</li>
 * <li>{@code <services root>/<application>} of each listed application: that application creates and deletes its
 * instances (it cannot change the node's ACL); everyone reads;</li>
 * <li>the lock, leader and shared data roots and the open paths: everyone reads and creates nodes of their own
 * (which the creating application owns, see the starter's {@code meshkeeper.zookeeper.auth.*}); when applications
 * reserve names, only authenticated applications create there, and a reserved name only its owner
 * ({@link NameReservingDigestProvider}).</li>
 * </ul>
 * The registry's own identity is ZooKeeper's super user and needs no ACL entry.
 */
final class RegistryAclLayout implements ConnectionStateListener {

    private static final Logger logger = LoggerFactory.getLogger(RegistryAclLayout.class);

    static final Id ANYONE = new Id("world", "anyone");

    static final List<ACL> READ = List.of(new ACL(Perms.READ, ANYONE));

    static final List<ACL> READ_CREATE = List.of(new ACL(Perms.READ | Perms.CREATE, ANYONE));

    /** Everyone reads; an authenticated application creates a name unless another one reserved it. */
    static final List<ACL> READ_CREATE_UNRESERVED = List.of(new ACL(Perms.READ, ANYONE),
            new ACL(Perms.CREATE, new Id(RegistryAuthentication.SCHEME, NameReservingDigestProvider.RESERVED_NAMES)));

    private final CuratorFramework curator;

    private final RegistryAuthentication authentication;

    private final Duration connectTimeout;

    /** Trees of registry-written nodes: every node in them gets {@link #READ}. */
    private final Set<String> registryTrees = new LinkedHashSet<>();

    private final String servicesRoot;

    private final Set<String> openPaths = new LinkedHashSet<>();

    private final AtomicBoolean applied = new AtomicBoolean();

    RegistryAclLayout(CuratorFramework curator, RegistryAuthentication authentication, Duration connectTimeout,
            List<String> registryTrees, String servicesRoot, List<String> openPaths) {
        this.curator = curator;
        this.authentication = authentication;
        this.connectTimeout = connectTimeout;
        this.registryTrees.addAll(registryTrees);
        this.servicesRoot = servicesRoot;
        this.openPaths.addAll(openPaths);
        this.openPaths.addAll(authentication.openPaths());
    }

    /**
     * Applies the layout once connected. Waits for the connection up to the start-up timeout and fails start-up
     * when the layout cannot be applied; an ensemble member whose quorum is not formed yet applies it as soon as it
     * connects (and logs an error if that fails).
     * @throws RegistryServerException when the layout cannot be applied
     */
    void apply() throws InterruptedException {
        this.curator.getConnectionStateListenable().addListener(this);
        if (this.curator.blockUntilConnected((int) this.connectTimeout.toMillis(), TimeUnit.MILLISECONDS)) {
            applyOnce();
        }
        else {
            logger.info("ZooKeeper ACLs will be applied once this registry member serves clients");
        }
    }

    @Override
    public void stateChanged(CuratorFramework client, ConnectionState newState) {
        if (newState.isConnected() && !this.applied.get()) {
            try {
                applyOnce();
            }
            catch (RuntimeException ex) {
                logger.error("Applying the registry's ZooKeeper ACLs failed: {}", ex.getMessage(), ex);
            }
        }
    }

    private synchronized void applyOnce() {
        if (this.applied.get()) {
            return;
        }
        try {
            checkSuperUser();
            checkNameReservations();
            Map<String, List<ACL>> nodes = layout();
            for (Map.Entry<String, List<ACL>> node : nodes.entrySet()) {
                ensure(node.getKey(), node.getValue());
            }
            for (String tree : this.registryTrees) {
                applyToChildren(tree);
            }
            for (String service : children(this.servicesRoot)) {
                String path = ZKPaths.makePath(this.servicesRoot, service);
                if (!nodes.containsKey(path)) {
                    ensure(path, READ);
                }
            }
        }
        catch (RegistryServerException ex) {
            throw ex;
        }
        catch (Exception ex) {
            throw new RegistryServerException("auth.enabled", true, "applying the registry's ZooKeeper ACLs failed: "
                    + ex, ex);
        }
        this.applied.set(true);
        this.curator.getConnectionStateListenable().removeListener(this);
        logger.info("ZooKeeper authentication on: ACLs applied; applications allowed to register: {}",
                this.authentication.applicationIds().isEmpty() ? "none"
                        : String.join(", ", this.authentication.applicationIds().keySet()));
    }

    /** The nodes with a fixed ACL, parents before children. */
    Map<String, List<ACL>> layout() {
        Map<String, List<ACL>> nodes = new LinkedHashMap<>();
        List<String> all = new ArrayList<>(this.registryTrees);
        all.add(this.servicesRoot);
        all.addAll(this.openPaths);
        nodes.put("/", READ);
        for (String path : all) {
            for (String parent : parents(path)) {
                nodes.putIfAbsent(parent, READ);
            }
        }
        this.registryTrees.forEach(tree -> nodes.put(tree, this.authentication.aclFor(tree)));
        nodes.put(this.servicesRoot, READ);
        this.authentication.applicationIds().forEach((name, id) -> nodes.put(ZKPaths.makePath(this.servicesRoot, name),
                List.of(new ACL(Perms.CREATE | Perms.DELETE | Perms.READ, new Id(RegistryAuthentication.SCHEME, id)),
                        new ACL(Perms.READ, ANYONE))));
        List<ACL> open = this.authentication.reservesNames() ? READ_CREATE_UNRESERVED : READ_CREATE;
        this.openPaths.forEach(path -> nodes.put(path, open));
        return nodes;
    }

    /**
     * The registry must be super user, or it could not change what applications own (instance status). ZooKeeper
     * reads the super digest once per JVM: set too late, it is silently ignored.
     */
    private void checkSuperUser() throws Exception {
        List<ClientInfo> identities = this.curator.getZookeeperClient().getZooKeeper().whoAmI();
        if (identities.stream().noneMatch(identity -> "super".equals(identity.getAuthScheme()))) {
            throw new RegistryServerException("auth.enabled", true, "ZooKeeper does not treat the registry's own "
                    + "client as its administrator (super user): the system property "
                    + RegistryAuthentication.SUPER_DIGEST + " was read before the registry set it, which happens when "
                    + "another ZooKeeper server ran in this JVM first; run the registry server in a JVM of its own");
        }
    }

    /**
     * Reserved names need the registry's digest provider; ZooKeeper loads its providers once per JVM, so one loaded
     * before the registry installed its own would let nobody create locks or leaders.
     */
    private void checkNameReservations() {
        if (this.authentication.reservesNames()
                && !(ProviderRegistry.getServerProvider(RegistryAuthentication.SCHEME) instanceof NameReservingDigestProvider)) {
            throw new RegistryServerException("auth.applications", null, "lock and leader names are reserved "
                    + "(meshkeeper.registry.auth.applications.<app>.names), but ZooKeeper loaded its authentication "
                    + "providers before the registry installed the one that enforces them (system property "
                    + RegistryAuthentication.NAME_PROVIDER + "), which happens when another ZooKeeper server ran in "
                    + "this JVM first; run the registry server in a JVM of its own");
        }
    }

    private void ensure(String path, List<ACL> acl) throws Exception {
        Stat stat = this.curator.checkExists().forPath(path);
        if (stat == null) {
            try {
                this.curator.create().withACL(acl).forPath(path);
                return;
            }
            catch (KeeperException.NodeExistsException ex) {
                // created meanwhile (another ensemble member, an application): set the ACL below
            }
        }
        if (!this.curator.getACL().forPath(path).equals(acl)) {
            this.curator.setACL().withACL(acl).forPath(path);
            logger.debug("ACL of {} set to {}", path, acl);
        }
    }

    private void applyToChildren(String path) throws Exception {
        for (String child : children(path)) {
            String childPath = ZKPaths.makePath(path, child);
            try {
                ensureExisting(childPath, this.authentication.aclFor(childPath));
                applyToChildren(childPath);
            }
            catch (KeeperException.NoNodeException ex) {
                // deleted meanwhile: nothing to protect
            }
        }
    }

    private void ensureExisting(String path, List<ACL> acl) throws Exception {
        if (!this.curator.getACL().forPath(path).equals(acl)) {
            this.curator.setACL().withACL(acl).forPath(path);
        }
    }

    private List<String> children(String path) throws Exception {
        try {
            return this.curator.getChildren().forPath(path);
        }
        catch (KeeperException.NoNodeException ex) {
            return List.of();
        }
    }

    private static List<String> parents(String path) {
        List<String> parents = new ArrayList<>();
        String parent = ZKPaths.getPathAndNode(path).getPath();
        while (!"/".equals(parent)) {
            parents.add(0, parent);
            parent = ZKPaths.getPathAndNode(parent).getPath();
        }
        return parents;
    }
}
