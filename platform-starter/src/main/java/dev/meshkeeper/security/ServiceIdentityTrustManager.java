package dev.meshkeeper.security;

import java.net.Socket;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedTrustManager;
import javax.net.ssl.X509TrustManager;

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
