package dev.meshkeeper.zookeeper;

import java.nio.file.Path;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * TLS from this application to ZooKeeper ({@code meshkeeper.zookeeper.tls.*}), applied to every Curator client Spring
 * Cloud Zookeeper builds (configuration loading and the application's client) and to nothing else in the JVM.
 * ZooKeeper's client reads key and trust stores from files: name them here, or name a Spring Boot JKS SSL bundle
 * ({@code spring.ssl.bundle.jks.<name>}) whose stores are files.
 */
@ConfigurationProperties("meshkeeper.zookeeper.tls")
public class ZooKeeperTlsProperties {

    /** Whether to connect to ZooKeeper over TLS; the connect string must then name the servers' secure ports. */
    private boolean enabled;

    /** Name of a JKS SSL bundle (spring.ssl.bundle.jks.<name>) with file locations, instead of the stores below. */
    private String bundle;

    /** Whether the server's certificate must name the host it is reached at. */
    private boolean hostnameVerification = true;

    /** This application's key and certificate, presented when the server asks for one (client-auth need/want). */
    private final Store keyStore = new Store();

    /** Certificates trusted to sign the server's certificate; the JVM's default trust store when unset. */
    private final Store trustStore = new Store();

    public boolean isEnabled() {
        return this.enabled;
    }

    public void setEnabled(boolean enabled) {
        this.enabled = enabled;
    }

    public String getBundle() {
        return this.bundle;
    }

    public void setBundle(String bundle) {
        this.bundle = bundle;
    }

    public boolean isHostnameVerification() {
        return this.hostnameVerification;
    }

    public void setHostnameVerification(boolean hostnameVerification) {
        this.hostnameVerification = hostnameVerification;
    }

    public Store getKeyStore() {
        return this.keyStore;
    }

    public Store getTrustStore() {
        return this.trustStore;
    }

    public static class Store {

        /** Store file, as a path or a file: URL. */
        private String location;

        /** Store password; held in this client's configuration only, never in system properties or files. */
        private String password;

        /** File holding the store password, instead of the password itself. */
        private Path passwordFile;

        /** Store type: PKCS12, JKS, PEM or BCFKS. */
        private String type = "PKCS12";

        public String getLocation() {
            return this.location;
        }

        public void setLocation(String location) {
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
}
