package dev.meshkeeper.registry.zookeeper;

import jakarta.validation.constraints.NotBlank;
import java.nio.file.Path;

/**
 * A key or trust store of the registry's TLS client port ({@code meshkeeper.registry.tls.key-store.*} and
 * {@code trust-store.*}), bound as {@link RegistryProperties.Tls.Store}.
 */
public class RegistryKeyStoreProperties {

    /** Key store file (ZooKeeper reads it by path). */
    private Path location;

    /** Key store password; kept in memory only, never written to ZooKeeper's configuration file. */
    private String password;

    /** File holding the key store password (ZooKeeper's passwordPath), instead of the password itself. */
    private Path passwordFile;

    /** Key store type: PKCS12, JKS, PEM or BCFKS. */
    @NotBlank
    private String type = "PKCS12";

    public Path getLocation() {
        return this.location;
    }

    public void setLocation(Path location) {
        this.location = location;
    }

    public String getPassword() {
        return this.password;
    }

    public void setPassword(String password) {
        this.password = password;
    }

    public Path getPasswordFile() {
        return this.passwordFile;
    }

    public void setPasswordFile(Path passwordFile) {
        this.passwordFile = passwordFile;
    }

    public String getType() {
        return this.type;
    }

    public void setType(String type) {
        this.type = type;
    }
}
