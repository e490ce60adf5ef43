package dev.meshkeeper.zookeeper;

import dev.meshkeeper.zookeeper.ZooKeeperTlsProperties.Store;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.UnrecoverableKeyException;
import java.util.Locale;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.zookeeper.ClientCnxnSocketNetty;
import org.apache.zookeeper.client.ZKClientConfig;
import org.apache.zookeeper.common.ClientX509Util;
import org.apache.zookeeper.common.SecretUtils;
import org.apache.zookeeper.common.X509Util;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;

/**
 * Connects Spring Cloud Zookeeper's Curator clients over TLS when {@code meshkeeper.zookeeper.tls.enabled=true}.
 * <p>
 * The settings go into the client's own {@link ZKClientConfig} ({@code zookeeper.client.secure}, Netty's client
 * socket, key and trust stores), never into JVM-wide system properties: other ZooKeeper clients in the same JVM are
 * unaffected, and a store this client lacks is never taken from a system property. When another customizer already
 * gave the builder a {@link ZKClientConfig}, the TLS settings are added to it. The stores are loaded once here, so a
 * missing file or a wrong password fails start-up naming the property; the password itself is never shown.
 * <p>
 * ZooKeeper reads the stores again from their files at every connection attempt (also after a connection loss), so a
 * renewed certificate written to the same file is picked up at the next reconnect.
 */
class ZooKeeperTlsCustomizer implements ZooKeeperClientCustomizer {

    static final String PREFIX = "meshkeeper.zookeeper.tls";

    private static final String HIDDEN = "******";

    public ZooKeeperTlsCustomizer() {
    }

    @Override
    public void customize(CuratorFrameworkFactory.Builder builder, Binder binder) {
        ZooKeeperTlsProperties tls = binder.bind(PREFIX, Bindable.of(ZooKeeperTlsProperties.class))
                .orElseGet(ZooKeeperTlsProperties::new);
        if (!tls.isEnabled()) {
            return;
        }
        Resolved keyStore;
        Resolved trustStore;
        String bundle = tls.getBundle();
        if (bundle != null && !bundle.isBlank()) {
            String prefix = "spring.ssl.bundle.jks." + bundle.trim();
            Store key = bundleStore(binder, prefix + ".keystore");
            Store trust = bundleStore(binder, prefix + ".truststore");
            if (key.getLocation() == null && trust.getLocation() == null) {
                throw new InvalidConfigurationPropertyValueException(PREFIX + ".bundle", bundle, "no JKS SSL bundle '"
                        + bundle + "' with file locations is configured (" + prefix + ".keystore.location / "
                        + ".truststore.location); ZooKeeper's client reads stores from files, so name a "
                        + "spring.ssl.bundle.jks bundle or set " + PREFIX + ".key-store.* and " + PREFIX
                        + ".trust-store.* instead");
            }
            keyStore = resolve(prefix + ".keystore", key);
            trustStore = resolve(prefix + ".truststore", trust);
        }
        else {
            keyStore = resolve(PREFIX + ".key-store", tls.getKeyStore());
            trustStore = resolve(PREFIX + ".trust-store", tls.getTrustStore());
        }
        ZKClientConfig config = builder.getZkClientConfig();
        if (config == null) {
            config = new ZKClientConfig();
            builder.zkClientConfig(config);
        }
        config.setProperty(ZKClientConfig.SECURE_CLIENT, "true");
        config.setProperty(ZKClientConfig.ZOOKEEPER_CLIENT_CNXN_SOCKET, ClientCnxnSocketNetty.class.getName());
        try (ClientX509Util x509 = new ClientX509Util()) {
            keyStore.applyTo(config, x509.getSslKeystoreLocationProperty(), x509.getSslKeystorePasswdProperty(),
                    x509.getSslKeystorePasswdPathProperty(), x509.getSslKeystoreTypeProperty());
            trustStore.applyTo(config, x509.getSslTruststoreLocationProperty(), x509.getSslTruststorePasswdProperty(),
                    x509.getSslTruststorePasswdPathProperty(), x509.getSslTruststoreTypeProperty());
            config.setProperty(x509.getSslHostnameVerificationEnabledProperty(),
                    String.valueOf(tls.isHostnameVerification()));
        }
    }

    private static Store bundleStore(Binder binder, String prefix) {
        Store store = new Store();
        store.setLocation(binder.bind(prefix + ".location", String.class).orElse(null));
        store.setPassword(binder.bind(prefix + ".password", String.class).orElse(null));
        store.setType(binder.bind(prefix + ".type", String.class).orElse("PKCS12"));
        return store;
    }

    /** The store checked and ready for ZooKeeper, or {@link Resolved#NONE} when no location is set. */
    private static Resolved resolve(String prefix, Store store) {
        if (store.getLocation() == null || store.getLocation().isBlank()) {
            return Resolved.NONE;
        }
        Path path = path(prefix + ".location", store.getLocation());
        if (!Files.isRegularFile(path) || !Files.isReadable(path)) {
            throw new InvalidConfigurationPropertyValueException(prefix + ".location", store.getLocation(),
                    path.toAbsolutePath() + " is not a readable file; point it at an existing " + store.getType()
                            + " file this application can read");
        }
        String passwordProperty = (store.getPasswordFile() != null) ? prefix + ".password-file" : prefix + ".password";
        String password;
        if (store.getPasswordFile() != null) {
            if (!Files.isReadable(store.getPasswordFile())) {
                throw new InvalidConfigurationPropertyValueException(passwordProperty, store.getPasswordFile(),
                        "the password file is not readable by this application");
            }
            password = String.valueOf(SecretUtils.readSecret(store.getPasswordFile().toAbsolutePath().toString()));
        }
        else {
            password = (store.getPassword() != null) ? store.getPassword() : "";
        }
        try {
            X509Util.loadKeyStore(path.toAbsolutePath().toString(), password, store.getType());
        }
        catch (IllegalArgumentException ex) {
            throw new InvalidConfigurationPropertyValueException(prefix + ".type", store.getType(),
                    "unknown store type; use PKCS12, JKS, PEM or BCFKS");
        }
        catch (Exception ex) {
            if (isWrongPassword(ex)) {
                throw new InvalidConfigurationPropertyValueException(passwordProperty, HIDDEN,
                        "it does not open " + path.toAbsolutePath() + "; set the store's password");
            }
            throw new InvalidConfigurationPropertyValueException(prefix + ".location", store.getLocation(),
                    "cannot be read as a " + store.getType() + " store (" + ex.getMessage() + "); check the file and "
                            + prefix + ".type");
        }
        return new Resolved(path.toAbsolutePath().toString(), store.getPasswordFile() == null ? password : null,
                (store.getPasswordFile() != null) ? store.getPasswordFile().toAbsolutePath().toString() : null,
                store.getType());
    }

    private static Path path(String property, String location) {
        String lower = location.toLowerCase(Locale.ROOT);
        if (lower.startsWith("file:")) {
            return location.startsWith("file://") ? Path.of(URI.create(location)) : Path.of(location.substring(5));
        }
        if (lower.matches("^[a-z][a-z0-9+.-]+:.*") && !lower.matches("^[a-z]:[\\\\/].*")) {
            throw new InvalidConfigurationPropertyValueException(property, location, "ZooKeeper's client reads "
                    + "stores from files only; use a file path or a file: location");
        }
        return Path.of(location);
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

    /**
     * A store as ZooKeeper's client configuration names it. Every key is set, absent ones to {@code null}, so that a
     * JVM-wide {@code zookeeper.ssl.*} system property never fills in for a store this client does not have.
     */
    private record Resolved(String location, String password, String passwordPath, String type) {

        static final Resolved NONE = new Resolved(null, null, null, null);

        void applyTo(ZKClientConfig config, String locationKey, String passwordKey, String passwordPathKey,
                String typeKey) {
            config.setProperty(locationKey, this.location);
            config.setProperty(passwordKey, this.password);
            config.setProperty(passwordPathKey, this.passwordPath);
            config.setProperty(typeKey, this.type);
        }
    }
}
