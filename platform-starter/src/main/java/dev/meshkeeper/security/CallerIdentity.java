package dev.meshkeeper.security;

import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.Collection;
import java.util.List;
import javax.naming.InvalidNameException;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;

/**
 * The service a client certificate speaks for: the service id of a URI subject alternative name
 * {@code spiffe://meshkeeper/<service>} when there is one, otherwise the certificate's subject common name (CN).
 */
public final class CallerIdentity {

    /** Prefix of the URI subject alternative name that names a Meshkeeper service. */
    public static final String SPIFFE_PREFIX = "spiffe://meshkeeper/";

    private static final int URI_NAME = 6;

    private CallerIdentity() {
    }

    /** The service id {@code certificate} speaks for, or {@code null} when it names none. */
    public static String of(X509Certificate certificate) {
        try {
            Collection<List<?>> names = certificate.getSubjectAlternativeNames();
            if (names != null) {
                for (List<?> name : names) {
                    if (name.size() >= 2 && Integer.valueOf(URI_NAME).equals(name.get(0))
                            && name.get(1) instanceof String uri && uri.startsWith(SPIFFE_PREFIX)
                            && uri.length() > SPIFFE_PREFIX.length()) {
                        return uri.substring(SPIFFE_PREFIX.length());
                    }
                }
            }
        }
        catch (CertificateParsingException ex) {
            // fall back to the common name
        }
        try {
            for (Rdn rdn : new LdapName(certificate.getSubjectX500Principal().getName()).getRdns()) {
                if ("CN".equalsIgnoreCase(rdn.getType())) {
                    return String.valueOf(rdn.getValue());
                }
            }
        }
        catch (InvalidNameException ex) {
            return null;
        }
        return null;
    }
}
