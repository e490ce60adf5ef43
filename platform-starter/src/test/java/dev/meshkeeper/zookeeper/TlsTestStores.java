package dev.meshkeeper.zookeeper;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * A throw-away certificate authority and CA-signed PKCS12 key stores made with the JDK's {@code keytool} in a
 * temporary directory: nothing secret is checked in. Every leaf has SANs for 127.0.0.1 and localhost (ZooKeeper's
 * client may verify the name it resolved the address to) and is usable for server and client authentication. The
 * store password is random, so finding it anywhere else means it leaked.
 */
final class TlsTestStores {

    final String password = "pw-" + UUID.randomUUID();

    private final Path directory;

    TlsTestStores(Path directory) throws Exception {
        this.directory = directory;
        keytool("-genkeypair", "-alias", "ca", "-keyalg", "EC", "-groupname", "secp256r1", "-dname",
                "CN=meshkeeper-test-ca", "-ext", "bc:c", "-validity", "2", "-keystore", file("ca.p12"),
                "-storetype", "PKCS12", "-storepass", this.password);
        keytool("-exportcert", "-rfc", "-alias", "ca", "-keystore", file("ca.p12"), "-storepass", this.password,
                "-file", file("ca.pem"));
        keytool("-importcert", "-noprompt", "-alias", "ca", "-file", file("ca.pem"), "-keystore",
                file("trust.p12"), "-storetype", "PKCS12", "-storepass", this.password);
    }

    /** Creates {@code <identity>.p12} holding a CA-signed key pair under alias {@code leaf}. */
    TlsTestStores leaf(String identity) throws Exception {
        String store = file(identity + ".p12");
        keytool("-genkeypair", "-alias", "leaf", "-keyalg", "EC", "-groupname", "secp256r1", "-dname",
                "CN=" + identity, "-validity", "2", "-keystore", store, "-storetype", "PKCS12", "-storepass",
                this.password);
        keytool("-certreq", "-alias", "leaf", "-keystore", store, "-storepass", this.password, "-file",
                file(identity + ".csr"));
        keytool("-gencert", "-rfc", "-alias", "ca", "-keystore", file("ca.p12"), "-storepass", this.password,
                "-infile", file(identity + ".csr"), "-outfile", file(identity + ".pem"), "-validity", "2", "-ext",
                "san=ip:127.0.0.1,dns:localhost", "-ext", "eku=serverAuth,clientAuth");
        keytool("-importcert", "-noprompt", "-alias", "ca", "-file", file("ca.pem"), "-keystore", store,
                "-storepass", this.password);
        keytool("-importcert", "-noprompt", "-alias", "leaf", "-file", file(identity + ".pem"), "-keystore", store,
                "-storepass", this.password);
        return this;
    }

    Path keyStore(String identity) {
        return this.directory.resolve(identity + ".p12");
    }

    Path trustStore() {
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
