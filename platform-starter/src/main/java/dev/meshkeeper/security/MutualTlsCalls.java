package dev.meshkeeper.security;

import java.io.IOException;
import java.net.URI;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.function.Supplier;
import org.springframework.boot.ssl.SslBundle;
import org.springframework.cloud.client.ServiceInstance;
import org.springframework.cloud.client.loadbalancer.LoadBalancerRequestTransformer;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpRequest;
import org.springframework.http.client.ClientHttpRequest;
import org.springframework.http.client.ClientHttpRequestFactory;

/**
 * How {@code @LoadBalanced} clients call other services with mutual TLS on, failing closed:
 * <ul>
 * <li>as a {@link LoadBalancerRequestTransformer}, it refuses an instance without an SSL port
 * ({@link InsecureInstanceException}) and remembers, on the calling thread, which instance the balancer chose;</li>
 * <li>its {@link #requestFactory() request factory} opens the connection only over {@code https} to that instance,
 * through a request factory per called service that Spring Boot's {@code ClientHttpRequestFactoryBuilder} builds
 * from the application's HTTP client settings (timeouts, redirects) and the bundle, whose trust managers also require
 * the server's certificate to speak for the called service ({@link ServiceIdentityTrustManager}). A request that
 * did not pass the transformer is refused.</li>
 * </ul>
 * The balancer runs the transformer and then the request factory on the caller's thread, one request at a time.
 */
final class MutualTlsCalls implements LoadBalancerRequestTransformer {

    private static final ThreadLocal<ServiceInstance> chosen = new ThreadLocal<>();

    private final Supplier<SslBundle> bundle;

    private final Function<SslBundle, ClientHttpRequestFactory> requestFactories;

    private final Map<String, ClientHttpRequestFactory> factories = new ConcurrentHashMap<>();

    /**
     * @param bundle the mesh bundle ({@code meshkeeper.security.mtls.bundle})
     * @param requestFactories builds a request factory with the application's HTTP client settings and the given
     * bundle
     */
    MutualTlsCalls(Supplier<SslBundle> bundle, Function<SslBundle, ClientHttpRequestFactory> requestFactories) {
        this.bundle = bundle;
        this.requestFactories = requestFactories;
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
     * The request factory of every {@code @LoadBalanced RestClient.Builder} and {@code RestTemplate}. Resolves the
     * bundle at once, so that a bundle name that names no bundle stops start-up.
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
        try {
            return this.requestFactories.apply(ServiceIdentityTrustManager.forService(this.bundle.get(), serviceId));
        }
        catch (RuntimeException ex) {
            throw new IllegalStateException("Could not build the TLS client for calls to '" + serviceId
                    + "' from meshkeeper.security.mtls.bundle: " + ex.getMessage(), ex);
        }
    }
}
