package dev.meshkeeper.registry.zookeeper;

import dev.meshkeeper.registry.server.RegistryServerException;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.framework.api.ACLProvider;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.data.ACL;
import org.apache.zookeeper.data.Id;

/**
 * The registry's ZooKeeper identities when {@code meshkeeper.registry.auth.enabled=true}: the applications' digest
 * ids (from their configured digests) and the registry's own administrator.
 * <p>
 * The administrator is ZooKeeper's super user, so the admin and config APIs may change any node, including instance
 * nodes the applications own. Its password is random, generated once per process and held in memory only: ZooKeeper
 * learns only its digest, through the system property {@value #SUPER_DIGEST}, which it reads once per JVM when its
 * digest provider loads. That is why this property must be set before the ZooKeeper server starts
 * ({@link #prepareServer()}) and why one JVM runs one registry server.
 */
public final class RegistryAuthentication {

    /** The digest user the registry's own clients authenticate as. */
    static final String ADMIN_USER = "meshkeeper-registry";

    static final String SUPER_DIGEST = "zookeeper.DigestAuthenticationProvider.superDigest";

    static final String DIGEST_ALGORITHM = "zookeeper.DigestAuthenticationProvider.digestAlg";

    static final String ENFORCE_AUTH_ENABLED = "zookeeper.enforce.auth.enabled";

    static final String ENFORCE_AUTH_SCHEMES = "zookeeper.enforce.auth.schemes";

    static final String SCHEME = "digest";

    static final String NAME_PROVIDER = "zookeeper.authProvider.meshkeeper";

    private static final String PREFIX = "auth.applications.";

    /** The config context every application reads (Spring Cloud Zookeeper's default context). */
    static final String SHARED_CONTEXT = "application";

    /**
     * Readable by the registry alone: ZooKeeper's super user passes every ACL, and this digest id matches no
     * password (ZooKeeper refuses an empty ACL).
     */
    static final List<ACL> REGISTRY_ONLY = List.of(new ACL(ZooDefs.Perms.READ,
            new Id(SCHEME, ADMIN_USER + ":registry-only")));

    private final boolean enabled;

    private final boolean requireAuthentication;

    /** Digest id ({@code name:base64}) of every application allowed to register, by service name. */
    private final Map<String, String> applicationIds;

    private final List<String> openPaths;

    private final String configRoot;

    /** Reserved lock and leader name patterns by the owning application's digest id. */
    private final Map<String, List<String>> reservedNames;

    private final List<String> privateRoots;

    /**
     * With the default roots: config under {@code /config}, its history under {@code /meshkeeper/config}, the audit
     * log under {@code /meshkeeper/audit}.
     * @throws RegistryServerException naming the property when an application's name or digest is unusable
     */
    public RegistryAuthentication(RegistryAuthProperties properties) {
        this(properties, "/config", List.of("/meshkeeper/config", "/meshkeeper/audit"));
    }

    /**
     * @param configRoot the root of the config contexts applications read
     * @param privateRoots trees only the registry reads (config history, audit log)
     * @throws RegistryServerException naming the property when an application's name or digest is unusable
     */
    public RegistryAuthentication(RegistryAuthProperties properties, String configRoot, List<String> privateRoots) {
        this.configRoot = configRoot;
        this.privateRoots = List.copyOf(privateRoots);
        this.enabled = properties.isEnabled();
        this.requireAuthentication = properties.isRequireAuthentication();
        Map<String, String> ids = new LinkedHashMap<>();
        properties.getApplications().forEach((name, application) -> ids.put(name,
                ApplicationIdentities.digestId(name, (application != null) ? application.getDigest() : null)));
        this.applicationIds = Collections.unmodifiableMap(ids);
        Map<String, List<String>> reserved = new LinkedHashMap<>();
        Map<String, String> ownerByPattern = new LinkedHashMap<>();
        properties.getApplications().forEach((name, application) -> {
            List<String> patterns = (application != null) ? application.getNames() : List.of();
            for (String pattern : patterns) {
                ApplicationIdentities.checkNamePattern(name, pattern);
                String previous = ownerByPattern.putIfAbsent(pattern, name);
                if (previous != null && !previous.equals(name)) {
                    throw new RegistryServerException(PREFIX + name + ".names", pattern, "the name '" + pattern
                            + "' in meshkeeper.registry." + PREFIX + name + ".names is reserved for '" + previous
                            + "' already; reserve it for one application only");
                }
            }
            if (!patterns.isEmpty()) {
                reserved.put(ids.get(name), List.copyOf(patterns));
            }
        });
        this.reservedNames = Collections.unmodifiableMap(reserved);
        this.openPaths = List.copyOf(properties.getOpenPaths());
        this.openPaths.forEach(path -> {
            if (!path.matches("/|(/[^/]+)+")) {
                throw new RegistryServerException("auth.open-paths", path, "open path '" + path
                        + "' is not an absolute ZooKeeper path; use e.g. /meshkeeper/samples");
            }
        });
    }

    public boolean isEnabled() {
        return this.enabled;
    }

    Map<String, String> applicationIds() {
        return this.applicationIds;
    }

    /** Whether ZooKeeper turns away clients that have not authenticated (when authentication is enabled). */
    public boolean isRequireAuthentication() {
        return this.requireAuthentication;
    }

    /** The applications that own their registrations ({@code meshkeeper.registry.auth.applications.*}). */
    public Set<String> applications() {
        return this.applicationIds.keySet();
    }

    List<String> openPaths() {
        return this.openPaths;
    }

    /** Whether any application reserves lock or leader names. */
    boolean reservesNames() {
        return !this.reservedNames.isEmpty();
    }

    /**
     * Sets the JVM-wide system properties the ZooKeeper server reads when it is created: the administrator's super
     * digest and, unless switched off, the requirement to authenticate. Does nothing when authentication is off.
     * @throws RegistryServerException when these system properties are already set to something else
     */
    public void prepareServer() {
        if (!this.enabled) {
            return;
        }
        String superDigest = AdminCredentials.DIGEST;
        String existing = System.getProperty(SUPER_DIGEST);
        if (existing != null && !existing.equals(superDigest)) {
            throw new RegistryServerException("auth.enabled", true, "the system property " + SUPER_DIGEST
                    + " is already set, but with meshkeeper.registry.auth.enabled=true the registry sets it for its "
                    + "own administrator; remove it from the command line and meshkeeper.registry.system-properties");
        }
        System.setProperty(SUPER_DIGEST, superDigest);
        if (reservesNames()) {
            NameReservingDigestProvider.reserve(this.reservedNames);
            System.setProperty(NAME_PROVIDER, NameReservingDigestProvider.class.getName());
        }
        if (this.requireAuthentication) {
            requireSystemProperty(ENFORCE_AUTH_ENABLED, "true");
            requireSystemProperty(ENFORCE_AUTH_SCHEMES, SCHEME);
        }
    }

    private static void requireSystemProperty(String name, String value) {
        String existing = System.getProperty(name);
        if (existing != null && !existing.equals(value)) {
            throw new RegistryServerException("auth.require-authentication", true, "the system property " + name
                    + " is set to '" + existing + "', but meshkeeper.registry.auth.require-authentication=true needs '"
                    + value + "'; remove the system property, or set require-authentication=false");
        }
        System.setProperty(name, value);
    }

    /**
     * The ACL of a node the registry writes: a config context and everything in it is readable by the application
     * it belongs to ({@code <app>} and {@code <app>,<profile>} by the application listed as {@code <app>}), the
     * {@code application} contexts by everyone, any other context and the private trees (config history, audit log)
     * by the registry only; every other node by everyone. Only the registry (ZooKeeper's super user) writes them.
     */
    List<ACL> aclFor(String path) {
        for (String root : this.privateRoots) {
            if (path.equals(root) || path.startsWith(root + "/")) {
                return REGISTRY_ONLY;
            }
        }
        if (path.startsWith(this.configRoot + "/")) {
            String context = path.substring(this.configRoot.length() + 1);
            int slash = context.indexOf('/');
            return contextAcl((slash >= 0) ? context.substring(0, slash) : context);
        }
        return ZooDefs.Ids.READ_ACL_UNSAFE;
    }

    private List<ACL> contextAcl(String context) {
        int comma = context.indexOf(',');
        String owner = (comma >= 0) ? context.substring(0, comma) : context;
        if (owner.equals(SHARED_CONTEXT)) {
            return ZooDefs.Ids.READ_ACL_UNSAFE;
        }
        String id = this.applicationIds.get(owner);
        return (id != null) ? List.of(new ACL(ZooDefs.Perms.READ, new Id(SCHEME, id))) : REGISTRY_ONLY;
    }

    /**
     * Makes a registry client authenticate as the administrator; every node it creates is writable by the
     * administrator only and readable as {@link #aclFor(String)} says. Does nothing when authentication is off.
     */
    public void configure(CuratorFrameworkFactory.Builder builder) {
        if (!this.enabled) {
            return;
        }
        builder.authorization(SCHEME, (ADMIN_USER + ":" + AdminCredentials.PASSWORD).getBytes(StandardCharsets.UTF_8))
                .aclProvider(new ACLProvider() {

                    @Override
                    public List<ACL> getDefaultAcl() {
                        return ZooDefs.Ids.READ_ACL_UNSAFE;
                    }

                    @Override
                    public List<ACL> getAclForPath(String path) {
                        return aclFor(path);
                    }
                });
    }
}
