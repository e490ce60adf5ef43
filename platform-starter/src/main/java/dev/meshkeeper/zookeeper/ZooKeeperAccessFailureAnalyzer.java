package dev.meshkeeper.zookeeper;

import org.apache.zookeeper.KeeperException;
import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;

/**
 * Explains a start-up that ZooKeeper refused because of authentication or ACLs — the server requires credentials
 * the application did not send, refused the ones it sent, or its identity may not write where it tried to (a
 * registration under another service's node, configuration) — and names the properties that decide it. Ordered
 * first, because Spring Cloud Zookeeper reports a refused configuration import as a resource that "does not exist".
 */
@Order(Ordered.HIGHEST_PRECEDENCE)
class ZooKeeperAccessFailureAnalyzer extends AbstractFailureAnalyzer<KeeperException> {

    private static final String USERNAME = ZooKeeperAuthenticationProperties.PREFIX + ".username";

    private static final String PASSWORD = ZooKeeperAuthenticationProperties.PREFIX + ".password";

    @Override
    protected FailureAnalysis analyze(Throwable rootFailure, KeeperException cause) {
        // No Environment here: the failure may come from the configuration import, before the context exists.
        String at = (cause.getPath() != null) ? " (at " + cause.getPath() + ")" : "";
        if (cause instanceof KeeperException.SessionClosedRequireAuthException) {
            return new FailureAnalysis("ZooKeeper closed the session because this application did not authenticate"
                    + at + ": the server requires authentication.",
                    "Set " + USERNAME + " (the service name, spring.application.name) and " + PASSWORD + " to the "
                            + "credentials the server knows this application by (on a Meshkeeper registry server: "
                            + "meshkeeper.registry.auth.applications.<service>.digest).",
                    cause);
        }
        if (cause instanceof KeeperException.AuthFailedException) {
            return new FailureAnalysis("ZooKeeper refused this application's credentials" + at + ".",
                    "Check " + USERNAME + " and " + PASSWORD + ": the digest of \"<username>:<password>\" must be the "
                            + "one the server holds for this application.",
                    cause);
        }
        if (cause instanceof KeeperException.NoAuthException) {
            return new FailureAnalysis("ZooKeeper's ACLs do not let this application's identity (" + USERNAME
                    + ", or none) write" + at + ".",
                    "On a Meshkeeper registry server an application registers only under /services/<its username>: "
                            + "set " + USERNAME + " to the service name (spring.application.name) with its " + PASSWORD
                            + ", and list the service in meshkeeper.registry.auth.applications.<service>.digest; "
                            + "configuration is written through the registry's config API, not by applications.",
                    cause);
        }
        return null;
    }
}
