package dev.meshkeeper.security;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.security.GeneralSecurityException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;
import org.springframework.boot.ssl.SslBundle;
import org.springframework.cloud.client.ServiceInstance;
import org.springframework.cloud.client.loadbalancer.LoadBalancerRequestTransformer;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpRequest;
import org.springframework.http.client.ClientHttpRequest;
import org.springframework.http.client.ClientHttpRequestFactory;
import org.springframework.http.client.JdkClientHttpRequestFactory;

/**
 * How {@code @LoadBalanced} clients call other services with mutual TLS on, failing closed:
 * <ul>
 * <li>as a {@link LoadBalancerRequestTransformer}, it refuses an instance without an SSL port
 * ({@link InsecureInstanceException}) and remembers, on the calling thread, which instance the balancer chose;</li>
 * <li>its {@link #requestFactory() request factory} opens the connection only over {@code https} to that instance,
 * with the bundle's certificate, and a trust manager that also requires the server's certificate to speak for the
 * called service ({@link ServiceIdentityTrustManager}). A request that did not pass the transformer is refused.</li>
 * </ul>
 * The balancer runs the transformer and then the request factory on the caller's thread, one request at a time.
 */
final class MutualTlsCalls implements LoadBalancerRequestTransformer {

    private static final ThreadLocal<ServiceInstance> chosen = new ThreadLocal<>();

    private final Supplier<SslBundle> bundle;

    private final Map<String, ClientHttpRequestFactory> factories = new ConcurrentHashMap<>();

    MutualTlsCalls(Supplier<SslBundle> bundle) {
        this.bundle = bundle;
    }

    @Override
    public HttpRequest transformRequest(HttpRequest request, ServiceInstance instance) {
        chosen.remove();
        if (!instance.isSecure() || !"https".equalsIgnoreCase(request.getURI().getScheme())) {
            throw new InsecureInstanceException(instance.getServiceId(), instance.getInstanceId(),
                    instance.getHost() + ":" + instance.getPort());
        }
        chosen.set(instance);
        return request;
    }

    /**
     * The request factory of every {@code @LoadBalanced RestClient.Builder}. Resolves the bundle at once, so that a
     * bundle name that names no bundle stops start-up.
     */
    ClientHttpRequestFactory requestFactory() {
        this.bundle.get();
        return this::createRequest;
    }

    private ClientHttpRequest createRequest(URI uri, HttpMethod method) throws IOException {
        ServiceInstance instance = chosen.get();
        chosen.remove();
        if (instance == null || !"https".equalsIgnoreCase(uri.getScheme())
                || !instance.getHost().equalsIgnoreCase(uri.getHost()) || instance.getPort() != port(uri)) {
            throw new IOException("Refused to send " + method + " " + uri + ": meshkeeper.security.mtls is on and "
                    + "a @LoadBalanced client sends only https requests to the instance the balancer chose"
                    + ((instance != null) ? " (" + instance.getHost() + ":" + instance.getPort() + " of '"
                            + instance.getServiceId() + "')" : ""));
        }
        return this.factories.computeIfAbsent(instance.getServiceId(), this::factoryFor).createRequest(uri, method);
    }

    private static int port(URI uri) {
        return (uri.getPort() >= 0) ? uri.getPort() : 443;
    }

    private ClientHttpRequestFactory factoryFor(String serviceId) {
        SslBundle bundle = this.bundle.get();
        try {
            TrustManager[] trustManagers = bundle.getManagers().getTrustManagers();
            TrustManager[] checked = new TrustManager[trustManagers.length];
            for (int i = 0; i < trustManagers.length; i++) {
                checked[i] = (trustManagers[i] instanceof X509TrustManager x509)
                        ? new ServiceIdentityTrustManager(x509, serviceId) : trustManagers[i];
            }
            SSLContext context = SSLContext.getInstance(bundle.getProtocol());
            context.init(bundle.getManagers().getKeyManagers(), checked, null);
            return new JdkClientHttpRequestFactory(HttpClient.newBuilder().sslContext(context).build());
        }
        catch (GeneralSecurityException ex) {
            throw new IllegalStateException("Could not build the TLS context for calls to '" + serviceId
                    + "' from meshkeeper.security.mtls.bundle: " + ex.getMessage(), ex);
        }
    }
}
