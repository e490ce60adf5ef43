package dev.meshkeeper.registry.zookeeper;

import dev.meshkeeper.registry.server.RegistryServerException;
import dev.meshkeeper.registry.zookeeper.RegistryProperties.Tls;
import dev.meshkeeper.registry.zookeeper.RegistryProperties.Tls.ClientAuth;
import dev.meshkeeper.registry.zookeeper.RegistryProperties.Tls.Store;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.UnrecoverableKeyException;
import java.util.Collections;
import java.util.Locale;
import org.apache.zookeeper.ClientCnxnSocketNetty;
import org.apache.zookeeper.client.ZKClientConfig;
import org.apache.zookeeper.common.ClientX509Util;
import org.apache.zookeeper.common.SecretUtils;
import org.apache.zookeeper.common.X509Util;

/**
 * TLS between ZooKeeper clients and the registry's embedded server ({@code meshkeeper.registry.tls.*}).
 * <p>
 * ZooKeeper's server reads its key and trust stores only from JVM-wide {@code zookeeper.ssl.*} system properties (a
 * TLS key in zoo.cfg becomes one of them too), and builds its TLS context when a client connects. So
 * {@link #apply()} first loads both stores with the configured passwords, failing start-up with the property at
 * fault, and then sets the system properties. Passwords go to system properties (memory) or stay in the operator's
 * password file; they are never part of the configuration ZooKeeper writes to its base dir, and never logged.
 * <p>
 * The registry's own Curator clients use {@link #clientConfig()}: the plain port while it is open, otherwise TLS with
 * the server's own stores.
 */
public final class RegistryTls {

    private static final String PREFIX = "meshkeeper.registry.";

    private final Tls tls;

    RegistryTls(Tls tls) {
        this.tls = tls;
    }

    /** Whether a secure client port is configured. */
    public boolean isEnabled() {
        return this.tls.getSecureClientPort() != null;
    }

    /**
     * Checks the key and trust stores and sets ZooKeeper's TLS system properties; does nothing without a secure port.
     * @throws RegistryServerException naming the property when a store is missing, unreadable or its password wrong
     */
    void apply() {
        if (!isEnabled()) {
            return;
        }
        Store keyStore = this.tls.getKeyStore();
        if (keyStore.getLocation() == null) {
            throw new RegistryServerException("tls.key-store.location", null, "a secure client port is configured ("
                    + PREFIX + "tls.secure-client-port) but no key store; set " + PREFIX + "tls.key-store.location "
                    + "to a PKCS12 or JKS file holding the server's private key and certificate chain");
        }
        KeyStore keys = load("tls.key-store", keyStore);
        if (!hasPrivateKey(keys)) {
            throw new RegistryServerException("tls.key-store.location", keyStore.getLocation(), "key store "
                    + keyStore.getLocation() + " holds no private key; point " + PREFIX + "tls.key-store.location "
                    + "at a store with the server's private key and certificate chain");
        }
        Store trustStore = this.tls.getTrustStore();
        if (trustStore.getLocation() != null) {
            load("tls.trust-store", trustStore);
        }
        else if (this.tls.getClientAuth() != ClientAuth.NONE) {
            throw new RegistryServerException("tls.trust-store.location", null, PREFIX + "tls.client-auth="
                    + this.tls.getClientAuth().name().toLowerCase(Locale.ROOT) + " checks client certificates but no "
                    + "trust store is set; set " + PREFIX + "tls.trust-store.location to the store of the CA that "
                    + "signs client certificates, or set " + PREFIX + "tls.client-auth=none");
        }
        else if (!this.tls.isPlainClientPortEnabled()) {
            throw new RegistryServerException("tls.trust-store.location", null, "with the plain client port off ("
                    + PREFIX + "tls.plain-client-port-enabled=false) the registry's own clients connect over TLS and "
                    + "need a trust store that trusts the server's certificate; set " + PREFIX
                    + "tls.trust-store.location");
        }
        try (ClientX509Util x509 = new ClientX509Util()) {
            setStore(x509.getSslKeystoreLocationProperty(), x509.getSslKeystorePasswdProperty(),
                    x509.getSslKeystorePasswdPathProperty(), x509.getSslKeystoreTypeProperty(), keyStore);
            setStore(x509.getSslTruststoreLocationProperty(), x509.getSslTruststorePasswdProperty(),
                    x509.getSslTruststorePasswdPathProperty(), x509.getSslTruststoreTypeProperty(), trustStore);
            System.setProperty(x509.getSslClientAuthProperty(),
                    this.tls.getClientAuth().name().toLowerCase(Locale.ROOT));
        }
    }

    /**
     * A client configuration for the registry's own Curator clients: plain while the plain port is open, otherwise
     * TLS with the trust store (and the key store as client certificate, for {@code client-auth=need}). Host names
     * are not verified: the client connects to this very server on the bind address, trusted through its own stores.
     * @return a new configuration for one client
     */
    public ZKClientConfig clientConfig() {
        ZKClientConfig config = new ZKClientConfig();
        if (!isEnabled() || this.tls.isPlainClientPortEnabled()) {
            config.setProperty(ZKClientConfig.SECURE_CLIENT, "false");
            return config;
        }
        config.setProperty(ZKClientConfig.SECURE_CLIENT, "true");
        config.setProperty(ZKClientConfig.ZOOKEEPER_CLIENT_CNXN_SOCKET, ClientCnxnSocketNetty.class.getName());
        try (ClientX509Util x509 = new ClientX509Util()) {
            Store keyStore = this.tls.getKeyStore();
            config.setProperty(x509.getSslKeystoreLocationProperty(), keyStore.getLocation().toString());
            config.setProperty(x509.getSslKeystorePasswdProperty(), password(keyStore));
            config.setProperty(x509.getSslKeystoreTypeProperty(), keyStore.getType());
            Store trustStore = this.tls.getTrustStore();
            config.setProperty(x509.getSslTruststoreLocationProperty(), trustStore.getLocation().toString());
            config.setProperty(x509.getSslTruststorePasswdProperty(), password(trustStore));
            config.setProperty(x509.getSslTruststoreTypeProperty(), trustStore.getType());
            config.setProperty(x509.getSslHostnameVerificationEnabledProperty(), "false");
        }
        return config;
    }

    private static void setStore(String location, String password, String passwordPath, String type, Store store) {
        if (store.getLocation() == null) {
            System.clearProperty(location);
            System.clearProperty(password);
            System.clearProperty(passwordPath);
            System.clearProperty(type);
            return;
        }
        System.setProperty(location, store.getLocation().toAbsolutePath().toString());
        System.setProperty(type, store.getType());
        if (store.getPasswordFile() != null) {
            System.clearProperty(password);
            System.setProperty(passwordPath, store.getPasswordFile().toAbsolutePath().toString());
        }
        else {
            System.clearProperty(passwordPath);
            if (store.getPassword() != null) {
                System.setProperty(password, store.getPassword());
            }
            else {
                System.clearProperty(password);
            }
        }
    }

    private static KeyStore load(String setting, Store store) {
        Path location = store.getLocation();
        if (!Files.isRegularFile(location) || !Files.isReadable(location)) {
            throw new RegistryServerException(setting + ".location", location, setting.substring(4).replace('-', ' ')
                    + " " + location.toAbsolutePath() + " is not a readable file; point " + PREFIX + setting
                    + ".location at an existing " + store.getType() + " file this process can read");
        }
        if (store.getPasswordFile() != null && !Files.isReadable(store.getPasswordFile())) {
            throw new RegistryServerException(setting + ".password-file", store.getPasswordFile(), "password file "
                    + store.getPasswordFile().toAbsolutePath() + " is not readable; point " + PREFIX + setting
                    + ".password-file at a file this process can read");
        }
        try {
            return X509Util.loadKeyStore(location.toAbsolutePath().toString(), password(store), store.getType());
        }
        catch (IllegalArgumentException ex) {
            throw new RegistryServerException(setting + ".type", store.getType(), "store type '" + store.getType()
                    + "' is not known; set " + PREFIX + setting + ".type to PKCS12, JKS, PEM or BCFKS", ex);
        }
        catch (Exception ex) {
            if (isWrongPassword(ex)) {
                String property = (store.getPasswordFile() != null) ? ".password-file" : ".password";
                // The value is never shown: it is a secret.
                throw new RegistryServerException(setting + property, null, "the password of "
                        + location.toAbsolutePath() + " is wrong; set the right one in " + PREFIX + setting
                        + property, ex);
            }
            throw new RegistryServerException(setting + ".location", location, location.toAbsolutePath()
                    + " cannot be read as a " + store.getType() + " store (" + ex.getMessage() + "); check " + PREFIX
                    + setting + ".location and " + PREFIX + setting + ".type", ex);
        }
    }

    private static boolean isWrongPassword(Throwable ex) {
        for (Throwable cause = ex; cause != null; cause = cause.getCause()) {
            if (cause instanceof UnrecoverableKeyException
                    || String.valueOf(cause.getMessage()).toLowerCase(Locale.ROOT).contains("password")) {
                return true;
            }
        }
        return false;
    }

    private static boolean hasPrivateKey(KeyStore store) {
        try {
            for (String alias : Collections.list(store.aliases())) {
                if (store.isKeyEntry(alias)) {
                    return true;
                }
            }
            return false;
        }
        catch (Exception ex) {
            return false;
        }
    }

    private static String password(Store store) {
        if (store.getPasswordFile() != null) {
            return String.valueOf(SecretUtils.readSecret(store.getPasswordFile().toAbsolutePath().toString()));
        }
        return (store.getPassword() != null) ? store.getPassword() : "";
    }
}
