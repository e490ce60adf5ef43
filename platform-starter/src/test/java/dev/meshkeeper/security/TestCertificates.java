package dev.meshkeeper.security;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A throw-away certificate authority and leaf certificates made with the JDK's {@code keytool} in a temporary
 * directory: nothing secret is checked in. Every leaf has a SAN for 127.0.0.1 and the URI
 * {@code spiffe://meshkeeper/<identity>}, and is usable for both server and client authentication.
 */
final class TestCertificates {

    static final String PASSWORD = "changeit";

    private final Path directory;

    TestCertificates(Path directory) throws Exception {
        this.directory = directory;
        keytool("-genkeypair", "-alias", "ca", "-keyalg", "EC", "-groupname", "secp256r1", "-dname",
                "CN=meshkeeper-test-ca", "-ext", "bc:c", "-validity", "2", "-keystore", file("ca.p12"),
                "-storetype", "PKCS12", "-storepass", PASSWORD);
        keytool("-exportcert", "-rfc", "-alias", "ca", "-keystore", file("ca.p12"), "-storepass", PASSWORD, "-file",
                file("ca.pem"));
        keytool("-importcert", "-noprompt", "-alias", "ca", "-file", file("ca.pem"), "-keystore",
                file("trust.p12"), "-storetype", "PKCS12", "-storepass", PASSWORD);
    }

    /** Creates {@code <identity>.p12} holding a CA-signed key pair under alias {@code leaf}. */
    TestCertificates leaf(String identity, boolean withSpiffeId) throws Exception {
        String store = file(identity + ".p12");
        keytool("-genkeypair", "-alias", "leaf", "-keyalg", "EC", "-groupname", "secp256r1", "-dname",
                "CN=" + identity, "-validity", "2", "-keystore", store, "-storetype", "PKCS12", "-storepass",
                PASSWORD);
        keytool("-certreq", "-alias", "leaf", "-keystore", store, "-storepass", PASSWORD, "-file",
                file(identity + ".csr"));
        String san = "san=ip:127.0.0.1" + (withSpiffeId ? ",uri:" + CallerIdentity.SPIFFE_PREFIX + identity : "");
        keytool("-gencert", "-rfc", "-alias", "ca", "-keystore", file("ca.p12"), "-storepass", PASSWORD, "-infile",
                file(identity + ".csr"), "-outfile", file(identity + ".pem"), "-validity", "2", "-ext", san,
                "-ext", "eku=serverAuth,clientAuth");
        keytool("-importcert", "-noprompt", "-alias", "ca", "-file", file("ca.pem"), "-keystore", store,
                "-storepass", PASSWORD);
        keytool("-importcert", "-noprompt", "-alias", "leaf", "-file", file(identity + ".pem"), "-keystore", store,
                "-storepass", PASSWORD);
        return this;
    }

    /** Properties of a JKS-style SSL bundle {@code name} with {@code identity}'s key and the test CA as trust. */
    List<String> bundle(String name, String identity) {
        String prefix = "--spring.ssl.bundle.jks." + name + ".";
        return List.of(prefix + "keystore.location=file:" + file(identity + ".p12"),
                prefix + "keystore.password=" + PASSWORD, prefix + "keystore.type=PKCS12", prefix + "key.alias=leaf",
                prefix + "truststore.location=file:" + file("trust.p12"), prefix + "truststore.password=" + PASSWORD,
                prefix + "truststore.type=PKCS12");
    }

    Path trustStore() {
        return this.directory.resolve("trust.p12");
    }

    Path pem(String identity) {
        return this.directory.resolve(identity + ".pem");
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
            throw new IllegalStateException("keytool " + String.join(" ", arguments) + " failed: " + output);
        }
    }

}
