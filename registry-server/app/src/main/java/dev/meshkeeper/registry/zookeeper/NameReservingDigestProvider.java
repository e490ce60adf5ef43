package dev.meshkeeper.registry.zookeeper;

import java.nio.charset.StandardCharsets;
import java.security.NoSuchAlgorithmException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.data.Id;
import org.apache.zookeeper.server.auth.DigestAuthenticationProvider;
import org.apache.zookeeper.server.auth.ServerAuthenticationProvider;

/**
 * ZooKeeper's {@code digest} authentication, plus reserved lock and leader names. Installed in place of ZooKeeper's
 * own digest provider (system property {@code zookeeper.authProvider.meshkeeper}, read when ZooKeeper loads its
 * providers) when an application reserves names ({@code meshkeeper.registry.auth.applications.<app>.names}).
 * Digests and ACL matching are ZooKeeper's own ({@link DigestAuthenticationProvider}); what this
 * adds is the ACL entry {@value #RESERVED_NAMES} that the registry puts on the lock and leader roots in place of
 * "everyone may create": it lets an authenticated application create a name there unless another application has
 * reserved it. ZooKeeper checks the entry with the path of the node being created, which is what makes a name
 * prefix enforceable at all.
 */
public final class NameReservingDigestProvider extends ServerAuthenticationProvider {

    /** The digest id of the ACL entry that stands for "any application, unless the name is reserved". */
    static final String RESERVED_NAMES = RegistryAuthentication.ADMIN_USER + ":reserved-names";

    /** The reservations in force: one registry server per JVM, as for ZooKeeper's own digest settings. */
    private static final AtomicReference<Map<String, List<String>>> reservations = new AtomicReference<>(Map.of());

    private final DigestAuthenticationProvider digest = new DigestAuthenticationProvider();

    /** Installs the reservations: name patterns ({@code stock-*}, {@code billing}) by owning digest id. */
    static void reserve(Map<String, List<String>> patternsByOwnerId) {
        reservations.set(Map.copyOf(patternsByOwnerId));
    }

    @Override
    public String getScheme() {
        return this.digest.getScheme();
    }

    /** As ZooKeeper's digest provider: the client's digest id, and super user for the super digest. */
    @Override
    public KeeperException.Code handleAuthentication(ServerObjs serverObjs, byte[] authData) {
        String credentials = new String(authData, StandardCharsets.UTF_8);
        String id;
        try {
            id = DigestAuthenticationProvider.generateDigest(credentials);
        }
        catch (NoSuchAlgorithmException ex) {
            return KeeperException.Code.AUTHFAILED;
        }
        if (id.equals(System.getProperty(RegistryAuthentication.SUPER_DIGEST))) {
            serverObjs.getCnxn().addAuthInfo(new Id("super", ""));
        }
        serverObjs.getCnxn().addAuthInfo(new Id(getScheme(), id));
        return KeeperException.Code.OK;
    }

    @Override
    public boolean matches(ServerObjs serverObjs, MatchValues matchValues) {
        if (RESERVED_NAMES.equals(matchValues.getAclExpr())) {
            return mayCreate(reservations.get(), matchValues.getId(), matchValues.getPath());
        }
        return this.digest.matches(matchValues.getId(), matchValues.getAclExpr());
    }

    /**
     * Whether the client authenticated as {@code id} may create {@code path} directly below a root that carries the
     * reserved-names entry: yes unless its name matches a pattern reserved by another application.
     */
    static boolean mayCreate(Map<String, List<String>> reservations, String id, String path) {
        String name = path.substring(path.lastIndexOf('/') + 1);
        for (Map.Entry<String, List<String>> owner : reservations.entrySet()) {
            if (!owner.getKey().equals(id) && owner.getValue().stream().anyMatch(pattern -> nameMatches(pattern, name))) {
                return false;
            }
        }
        return true;
    }

    static boolean nameMatches(String pattern, String name) {
        return pattern.endsWith("*") ? name.startsWith(pattern.substring(0, pattern.length() - 1))
                : name.equals(pattern);
    }

    @Override
    public boolean isAuthenticated() {
        return this.digest.isAuthenticated();
    }

    @Override
    public boolean isValid(String id) {
        return this.digest.isValid(id);
    }

    @Override
    public String getUserName(String id) {
        return this.digest.getUserName(id);
    }
}
