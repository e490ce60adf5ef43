package dev.meshkeeper.registry.zookeeper;

import dev.meshkeeper.registry.server.RegistryServerException;
import java.util.Base64;

/**
 * Checks what {@code meshkeeper.registry.auth.applications.<name>.*} says about an application: its digest
 * (turned into the ZooKeeper digest id {@code name:base64}) and the lock and leader names it reserves. A wrong value
 * fails start-up naming the property and how to compute or write it; a digest never appears in a message.
 */
final class ApplicationIdentities {

    private static final String PREFIX = "auth.applications.";

    private ApplicationIdentities() {
    }

    /**
     * The ZooKeeper digest id of application {@code name}: {@code digest} may be the bare base64 SHA-1 hash or
     * {@code name:hash}.
     * @throws RegistryServerException when the name or digest is unusable
     */
    static String digestId(String name, String digest) {
        String setting = PREFIX + name + ".digest";
        if (name.isEmpty() || name.contains(":") || name.contains("/")) {
            throw new RegistryServerException(setting, null, "application name '" + name + "' cannot be a "
                    + "service name and a digest user; use the service name, e.g. " + PREFIX
                    + "inventory-service.digest");
        }
        if (digest == null || digest.isBlank()) {
            throw new RegistryServerException(setting, null, "application '" + name + "' has no digest; set "
                    + "meshkeeper.registry." + setting + " to base64(sha1(" + name + ":<password>)), e.g. "
                    + howTo(name));
        }
        String hash = digest.trim();
        int colon = hash.indexOf(':');
        if (colon >= 0) {
            String user = hash.substring(0, colon);
            if (!user.equals(name)) {
                throw new RegistryServerException(setting, null, "the digest of application '" + name
                        + "' was made for the user '" + user + "'; the application authenticates under its service "
                        + "name, so compute the digest of '" + name + ":<password>'");
            }
            hash = hash.substring(colon + 1);
        }
        int length;
        try {
            length = Base64.getDecoder().decode(hash).length;
        }
        catch (IllegalArgumentException ex) {
            length = -1;
        }
        if (length != AdminCredentials.DIGEST_LENGTH) {
            // The value itself stays out of the message: a digest is not a password, but it can be attacked offline.
            throw new RegistryServerException(setting, null, "the digest of application '" + name + "' is not "
                    + "base64(sha1(" + name + ":<password>)) (never the password itself); compute it with "
                    + howTo(name));
        }
        return name + ":" + hash;
    }

    private static String howTo(String name) {
        return "printf %s '" + name + ":<password>' | openssl dgst -binary -sha1 | base64";
    }

    /** A reserved name is a lock or leader name, or a prefix of one ending in {@code *}. */
    static void checkNamePattern(String application, String pattern) {
        String body = pattern.endsWith("*") ? pattern.substring(0, pattern.length() - 1) : pattern;
        if (body.isEmpty() || body.contains("*") || body.contains("/")) {
            throw new RegistryServerException(PREFIX + application + ".names", pattern, "reserved name '" + pattern
                    + "' in meshkeeper.registry." + PREFIX + application + ".names is not a lock or leader name nor "
                    + "a prefix of one; use e.g. stock-* (every name starting with stock-) or billing (that name "
                    + "only)");
        }
    }
}
