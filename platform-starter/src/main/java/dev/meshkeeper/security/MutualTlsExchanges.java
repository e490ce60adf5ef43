package dev.meshkeeper.security;

import java.io.IOException;
import java.net.URI;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.function.Supplier;
import org.springframework.boot.ssl.SslBundle;
import org.springframework.cloud.client.ServiceInstance;
import org.springframework.cloud.client.loadbalancer.reactive.LoadBalancerClientRequestTransformer;
import org.springframework.http.HttpMethod;
import org.springframework.http.client.reactive.ClientHttpConnector;
import org.springframework.http.client.reactive.ClientHttpRequest;
import org.springframework.http.client.reactive.ClientHttpResponse;
import org.springframework.web.reactive.function.client.ClientRequest;
import org.springframework.web.reactive.function.client.ClientResponse;
import org.springframework.web.reactive.function.client.ExchangeFilterFunction;
import org.springframework.web.reactive.function.client.ExchangeFunction;
import reactor.core.publisher.Mono;

/**
 * How {@code @LoadBalanced WebClient.Builder}s call other services with mutual TLS on, failing closed, like
 * {@link MutualTlsCalls} for blocking clients:
 * <ul>
 * <li>as a {@link LoadBalancerClientRequestTransformer}, it refuses an instance without an SSL port
 * ({@link InsecureInstanceException}) and marks the request with the instance the balancer chose;</li>
 * <li>as the last {@link ExchangeFilterFunction} of the client, it carries that instance into the Reactor context of
 * the exchange;</li>
 * <li>as the client's {@link ClientHttpConnector}, it connects only over {@code https} to that instance, through a
 * connector per called service that Spring Boot's {@code ClientHttpConnectorBuilder} builds from the application's
 * HTTP client settings (timeouts, redirects) and the bundle with the server identity check
 * ({@link ServiceIdentityTrustManager}). An exchange that did not pass the balancer is refused.</li>
 * </ul>
 */
final class MutualTlsExchanges
        implements LoadBalancerClientRequestTransformer, ExchangeFilterFunction, ClientHttpConnector {

    private static final String INSTANCE = MutualTlsExchanges.class.getName() + ".instance";

    private final Supplier<SslBundle> bundle;

    private final Function<SslBundle, ClientHttpConnector> connectors;

    private final Map<String, ClientHttpConnector> byService = new ConcurrentHashMap<>();

    /**
     * @param bundle the mesh bundle ({@code meshkeeper.security.mtls.bundle})
     * @param connectors builds a connector with the application's HTTP client settings and the given bundle
     */
    MutualTlsExchanges(Supplier<SslBundle> bundle, Function<SslBundle, ClientHttpConnector> connectors) {
        this.bundle = bundle;
        this.connectors = connectors;
    }

    /** Resolves the bundle at once, so that a bundle name that names no bundle stops start-up. */
    MutualTlsExchanges checked() {
        this.bundle.get();
        return this;
    }

    @Override
    public ClientRequest transformRequest(ClientRequest request, ServiceInstance instance) {
        if (!instance.isSecure() || !"https".equalsIgnoreCase(request.url().getScheme())) {
            throw new InsecureInstanceException(instance.getServiceId(), instance.getInstanceId(),
                    instance.getHost() + ":" + instance.getPort());
        }
        return ClientRequest.from(request).attribute(INSTANCE, instance).build();
    }

    @Override
    public Mono<ClientResponse> filter(ClientRequest request, ExchangeFunction next) {
        Object instance = request.attribute(INSTANCE).orElse(null);
        if (instance == null) {
            return next.exchange(request);
        }
        return next.exchange(request).contextWrite((context) -> context.put(INSTANCE, instance));
    }

    @Override
    public Mono<ClientHttpResponse> connect(HttpMethod method, URI uri,
            Function<? super ClientHttpRequest, Mono<Void>> requestCallback) {
        return Mono.deferContextual((context) -> {
            ServiceInstance instance = context.<ServiceInstance>getOrEmpty(INSTANCE).orElse(null);
            if (instance == null || !"https".equalsIgnoreCase(uri.getScheme())
                    || !instance.getHost().equalsIgnoreCase(uri.getHost()) || instance.getPort() != port(uri)) {
                return Mono.error(new IOException("Refused to send " + method + " " + uri
                        + ": meshkeeper.security.mtls is on and a @LoadBalanced client sends only https requests to "
                        + "the instance the balancer chose" + ((instance != null) ? " (" + instance.getHost() + ":"
                                + instance.getPort() + " of '" + instance.getServiceId() + "')" : "")));
            }
            return this.byService.computeIfAbsent(instance.getServiceId(), this::connectorFor).connect(method, uri,
                    requestCallback);
        });
    }

    private static int port(URI uri) {
        return (uri.getPort() >= 0) ? uri.getPort() : 443;
    }

    private ClientHttpConnector connectorFor(String serviceId) {
        try {
            return this.connectors.apply(ServiceIdentityTrustManager.forService(this.bundle.get(), serviceId));
        }
        catch (RuntimeException ex) {
            throw new IllegalStateException("Could not build the TLS client for calls to '" + serviceId
                    + "' from meshkeeper.security.mtls.bundle: " + ex.getMessage(), ex);
        }
    }
}
