package dev.meshkeeper.registry.zookeeper;

import dev.meshkeeper.registry.server.RegistryServerException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * The registry administrator's ZooKeeper credentials (ZooKeeper's super user): a random password generated once per
 * process and held in memory only, and its digest. One per process, because ZooKeeper reads the super digest once
 * per JVM.
 */
final class AdminCredentials {

    static final String PASSWORD = generatePassword();

    static final String DIGEST = digest(RegistryAuthentication.ADMIN_USER + ":" + PASSWORD);

    /** Bytes of a digest of ZooKeeper's digest algorithm (SHA1 unless changed JVM-wide): 20. */
    static final int DIGEST_LENGTH = Base64.getDecoder().decode(DIGEST.substring(DIGEST.indexOf(':') + 1))
            .length;

    private AdminCredentials() {
    }

    private static String generatePassword() {
        byte[] secret = new byte[32];
        new SecureRandom().nextBytes(secret);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
    }

    /**
     * ZooKeeper's digest, computed here because loading its provider class would fix the super digest before
     * it is set; the super-user check at start-up proves both agree.
     */
    private static String digest(String credentials) {
        String algorithm = System.getProperty(RegistryAuthentication.DIGEST_ALGORITHM, "SHA1");
        try {
            byte[] hash = MessageDigest.getInstance(algorithm).digest(credentials.getBytes(StandardCharsets.UTF_8));
            return credentials.substring(0, credentials.indexOf(':')) + ":"
                    + Base64.getEncoder().encodeToString(hash);
        }
        catch (NoSuchAlgorithmException ex) {
            throw new RegistryServerException("auth.enabled", true, "the digest algorithm '" + algorithm
                    + "' (system property " + RegistryAuthentication.DIGEST_ALGORITHM
                    + ") is not available in this JVM", ex);
        }
    }
}
