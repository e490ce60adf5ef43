package dev.meshkeeper.security;

import java.net.Socket;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509ExtendedTrustManager;
import javax.net.ssl.X509TrustManager;
import org.springframework.boot.ssl.SslBundle;
import org.springframework.boot.ssl.SslManagerBundle;

/**
 * The bundle's trust manager, plus a check that the server speaks for the service that is being called: after the
 * usual chain and host name checks, the server certificate's {@link CallerIdentity} (SPIFFE id, else CN) must be
 * the called service id. Another service's certificate from the same CA is refused during the handshake, before
 * the request is sent.
 */
final class ServiceIdentityTrustManager extends X509ExtendedTrustManager {

    private final X509TrustManager delegate;

    private final String serviceId;

    ServiceIdentityTrustManager(X509TrustManager delegate, String serviceId) {
        this.delegate = delegate;
        this.serviceId = serviceId;
    }

    /**
     * {@code bundle} for calls to {@code serviceId}: the same key, stores, options and protocol, with each of its
     * X.509 trust managers also requiring the server to speak for {@code serviceId}. Every HTTP client Spring Boot
     * builds from an SSL bundle (JDK, Apache HttpComponents, Jetty, Reactor Netty) takes its trust from it.
     */
    static SslBundle forService(SslBundle bundle, String serviceId) {
        SslManagerBundle managers = bundle.getManagers();
        TrustManager[] trustManagers = managers.getTrustManagers();
        TrustManager[] checked = new TrustManager[trustManagers.length];
        for (int i = 0; i < trustManagers.length; i++) {
            checked[i] = (trustManagers[i] instanceof X509TrustManager x509)
                    ? new ServiceIdentityTrustManager(x509, serviceId) : trustManagers[i];
        }
        SslManagerBundle checkedManagers = SslManagerBundle.of(managers.getKeyManagerFactory(),
                SslManagerBundle.from(checked).getTrustManagerFactory());
        return SslBundle.of(bundle.getStores(), bundle.getKey(), bundle.getOptions(), bundle.getProtocol(),
                checkedManagers);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
            throws CertificateException {
        if (this.delegate instanceof X509ExtendedTrustManager extended) {
            extended.checkServerTrusted(chain, authType, engine);
        }
        else {
            this.delegate.checkServerTrusted(chain, authType);
        }
        requireIdentity(chain, (engine != null) ? engine.getPeerHost() + ":" + engine.getPeerPort() : "the server");
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
            throws CertificateException {
        if (this.delegate instanceof X509ExtendedTrustManager extended) {
            extended.checkServerTrusted(chain, authType, socket);
        }
        else {
            this.delegate.checkServerTrusted(chain, authType);
        }
        requireIdentity(chain, (socket != null) ? String.valueOf(socket.getRemoteSocketAddress()) : "the server");
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        this.delegate.checkServerTrusted(chain, authType);
        requireIdentity(chain, "the server");
    }

    private void requireIdentity(X509Certificate[] chain, String peer) throws CertificateException {
        String identity = (chain != null && chain.length > 0) ? CallerIdentity.of(chain[0]) : null;
        if (!this.serviceId.equals(identity)) {
            throw new CertificateException("The certificate of " + peer + " speaks for '" + identity
                    + "', not for service '" + this.serviceId + "' that was called; the instance registered under '"
                    + this.serviceId + "' must present a certificate with URI SAN " + CallerIdentity.SPIFFE_PREFIX
                    + this.serviceId + " (or CN=" + this.serviceId + ")");
        }
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket)
            throws CertificateException {
        if (this.delegate instanceof X509ExtendedTrustManager extended) {
            extended.checkClientTrusted(chain, authType, socket);
        }
        else {
            this.delegate.checkClientTrusted(chain, authType);
        }
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
            throws CertificateException {
        if (this.delegate instanceof X509ExtendedTrustManager extended) {
            extended.checkClientTrusted(chain, authType, engine);
        }
        else {
            this.delegate.checkClientTrusted(chain, authType);
        }
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        this.delegate.checkClientTrusted(chain, authType);
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
        return this.delegate.getAcceptedIssuers();
    }
}
