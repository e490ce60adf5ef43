package dev.meshkeeper.registry.zookeeper;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * ZooKeeper authentication and ACLs of the registry's own ZooKeeper server: which applications may register, and
 * whether clients without credentials are turned away.
 */
@ConfigurationProperties("meshkeeper.registry.auth")
public class RegistryAuthProperties {

    /** Whether ZooKeeper clients authenticate (digest) and the registry applies its ACLs at every start. */
    private boolean enabled;

    /** Whether clients that send no digest credentials are disconnected (ZooKeeper's enforce.auth). */
    private boolean requireAuthentication = true;

    /**
     * Applications allowed to register, by service name: only an application authenticated under that name may
     * add or remove instances of that service.
     */
    private final Map<String, Application> applications = new LinkedHashMap<>();

    /**
     * Further paths under which every authenticated client may create nodes of its own (the lock and leader roots
     * always are), e.g. a Curator recipe's root.
     */
    private final List<String> openPaths = new ArrayList<>();

    public boolean isEnabled() {
        return this.enabled;
    }

    public void setEnabled(boolean enabled) {
        this.enabled = enabled;
    }

    public boolean isRequireAuthentication() {
        return this.requireAuthentication;
    }

    public void setRequireAuthentication(boolean requireAuthentication) {
        this.requireAuthentication = requireAuthentication;
    }

    public Map<String, Application> getApplications() {
        return this.applications;
    }

    public List<String> getOpenPaths() {
        return this.openPaths;
    }

    public static class Application {

        /**
         * ZooKeeper digest of the application's credentials, base64(sha1(name:password)), optionally prefixed by
         * 'name:' as ZooKeeper's DigestAuthenticationProvider prints it; never the password itself.
         */
        private String digest;

        /**
         * Lock and leader names reserved for this application: exact names or prefixes ending in '*' (e.g.
         * stock-*); other applications cannot create them.
         */
        private List<String> names = new ArrayList<>();

        public List<String> getNames() {
            return this.names;
        }

        public void setNames(List<String> names) {
            this.names = names;
        }

        public String getDigest() {
            return this.digest;
        }

        public void setDigest(String digest) {
            this.digest = digest;
        }

        @Override
        public String toString() {
            return "Application[digest=******, names=" + this.names + "]";
        }
    }
}
