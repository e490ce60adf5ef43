package dev.meshkeeper.registry.junit;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * A throw-away certificate authority and CA-signed PKCS12 key stores for TLS tests, made with the JDK's
 * {@code keytool} in a directory the test owns (a JUnit {@code @TempDir}), so no private key is ever checked in.
 * Every leaf has subject alternative names for {@code 127.0.0.1} and {@code localhost} (ZooKeeper's client may
 * verify the name it resolved the address to), plus any names the test adds, and is usable for server and client
 * authentication. All stores share one random password: finding it anywhere else means it leaked.
 * <pre>
 * TestCertificates certificates = new TestCertificates(directory).leaf("registry").leaf("inventory-service");
 * certificates.keyStore("inventory-service"); // inventory-service.p12, key under the alias "leaf"
 * certificates.trustStore();                  // trust.p12, the CA certificate
 * </pre>
 */
public final class TestCertificates {

    private final String password = "pw-" + UUID.randomUUID();

    private final Path directory;

    /**
     * Creates the certificate authority ({@code ca.p12}, {@code ca.pem}) and the trust store ({@code trust.p12}).
     * @param directory where the files go; it must exist
     * @throws Exception when {@code keytool} fails
     */
    public TestCertificates(Path directory) throws Exception {
        this.directory = directory;
        keytool("-genkeypair", "-alias", "ca", "-keyalg", "EC", "-groupname", "secp256r1", "-dname",
                "CN=meshkeeper-test-ca", "-ext", "bc:c", "-validity", "2", "-keystore", file("ca.p12"),
                "-storetype", "PKCS12", "-storepass", this.password);
        keytool("-exportcert", "-rfc", "-alias", "ca", "-keystore", file("ca.p12"), "-storepass", this.password,
                "-file", file("ca.pem"));
        keytool("-importcert", "-noprompt", "-alias", "ca", "-file", file("ca.pem"), "-keystore",
                file("trust.p12"), "-storetype", "PKCS12", "-storepass", this.password);
    }

    /**
     * Creates {@code <identity>.p12} holding a CA-signed key pair under the alias {@code leaf} (subject
     * {@code CN=<identity>}), and its certificate as {@code <identity>.pem}.
     * @param identity the leaf's name
     * @param extraNames more subject alternative names in keytool's form, e.g. {@code uri:spiffe://mesh/orders}
     * @return this, to chain leaves
     * @throws Exception when {@code keytool} fails
     */
    public TestCertificates leaf(String identity, String... extraNames) throws Exception {
        String store = file(identity + ".p12");
        keytool("-genkeypair", "-alias", "leaf", "-keyalg", "EC", "-groupname", "secp256r1", "-dname",
                "CN=" + identity, "-validity", "2", "-keystore", store, "-storetype", "PKCS12", "-storepass",
                this.password);
        keytool("-certreq", "-alias", "leaf", "-keystore", store, "-storepass", this.password, "-file",
                file(identity + ".csr"));
        String names = "san=ip:127.0.0.1,dns:localhost" + ((extraNames.length > 0) ? "," + String.join(",", extraNames)
                : "");
        keytool("-gencert", "-rfc", "-alias", "ca", "-keystore", file("ca.p12"), "-storepass", this.password,
                "-infile", file(identity + ".csr"), "-outfile", file(identity + ".pem"), "-validity", "2", "-ext",
                names, "-ext", "eku=serverAuth,clientAuth");
        keytool("-importcert", "-noprompt", "-alias", "ca", "-file", file("ca.pem"), "-keystore", store,
                "-storepass", this.password);
        keytool("-importcert", "-noprompt", "-alias", "leaf", "-file", file(identity + ".pem"), "-keystore", store,
                "-storepass", this.password);
        return this;
    }

    /** The password of every store (random per instance). */
    public String password() {
        return this.password;
    }

    /** The PKCS12 key store of a leaf made with {@link #leaf}. */
    public Path keyStore(String identity) {
        return this.directory.resolve(identity + ".p12");
    }

    /** The PEM certificate of a leaf made with {@link #leaf}. */
    public Path certificate(String identity) {
        return this.directory.resolve(identity + ".pem");
    }

    /** The PKCS12 trust store holding the CA certificate. */
    public Path trustStore() {
        return this.directory.resolve("trust.p12");
    }

    private String file(String name) {
        return this.directory.resolve(name).toString();
    }

    private static void keytool(String... arguments) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
        command.addAll(List.of(arguments));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes());
        if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
            throw new IllegalStateException("keytool " + arguments[0] + " failed: " + output);
        }
    }
}
