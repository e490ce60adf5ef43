package dev.meshkeeper.registry.security;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.security.crypto.password.PasswordEncoder;

/**
 * The password of the {@code admin} user when no user is configured: random, generated at the first start, shown
 * once in the log, and kept only as a bcrypt hash in the data dir so that later starts accept it without showing
 * it again. Delete the file to have a new one generated.
 */
final class GeneratedAdminPassword {

    static final String USER = "admin";

    static final String FILE = "registry-admin-password.bcrypt";

    private static final Logger logger = LoggerFactory.getLogger(GeneratedAdminPassword.class);

    private GeneratedAdminPassword() {
    }

    /** The stored hash, generating (and logging) a new password when there is none yet. */
    static String hash(Path dataDir, PasswordEncoder encoder) {
        Path file = dataDir.resolve(FILE);
        try {
            if (Files.isRegularFile(file)) {
                return Files.readString(file, StandardCharsets.US_ASCII).trim();
            }
            byte[] random = new byte[18];
            new SecureRandom().nextBytes(random);
            String password = Base64.getUrlEncoder().withoutPadding().encodeToString(random);
            String hash = encoder.encode(password);
            Files.createDirectories(dataDir);
            Path temporary = Files.createTempFile(dataDir, ".admin", ".tmp");
            try {
                Files.setPosixFilePermissions(temporary, PosixFilePermissions.fromString("rw-------"));
            }
            catch (UnsupportedOperationException ex) {
                // Not a POSIX file system: the directory's permissions protect it.
            }
            Files.writeString(temporary, hash + "\n", StandardCharsets.US_ASCII);
            Files.move(temporary, file, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
            logger.warn("No registry users are configured: generated a password for user '{}' — it is shown this "
                    + "once and only its hash is kept (in {}): {}", USER, file.toAbsolutePath(), password);
            return hash;
        }
        catch (IOException ex) {
            throw new UncheckedIOException("cannot read or write the generated admin password hash " + file, ex);
        }
    }
}
