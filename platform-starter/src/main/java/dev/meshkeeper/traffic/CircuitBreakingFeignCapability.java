package dev.meshkeeper.traffic;

import feign.Capability;
import feign.Client;
import feign.Request;
import feign.Response;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.cloud.client.circuitbreaker.CircuitBreakerFactory;
import org.springframework.cloud.openfeign.loadbalancer.FeignBlockingLoadBalancerClient;

/**
 * Runs each call of an OpenFeign client addressed by service name ({@code @FeignClient(name = ...)} without
 * {@code url}) through the circuit breaker of the called service, as {@link CircuitBreakingInterceptor} does for
 * {@code RestClient}: a Feign {@link Capability} that decorates Spring Cloud OpenFeign's load-balancing
 * {@link Client}, so the breaker sits in front of the balancer and its retries and one call is one outcome for it (a
 * failure when it throws or answers 5xx). An open circuit fails the call at once, before any instance is chosen,
 * with Resilience4j's {@code CallNotPermittedException}, which Feign passes to the caller as it is. Clients with a
 * fixed {@code url} (not load-balanced) are left alone. A request interceptor could not do this: it cannot stop a
 * call. Public only because Feign applies a capability by reflection; it is made by the auto-configuration.
 */
public final class CircuitBreakingFeignCapability implements Capability {

    private static final String RETRYABLE_BALANCING_CLIENT =
            "org.springframework.cloud.openfeign.loadbalancer.RetryableFeignBlockingLoadBalancerClient";

    private final ObjectProvider<CircuitBreakerFactory<?, ?>> factory;

    CircuitBreakingFeignCapability(ObjectProvider<CircuitBreakerFactory<?, ?>> factory) {
        this.factory = factory;
    }

    @Override
    public Client enrich(Client client) {
        // The retrying client is named, not type-checked: loading it would need Spring Retry, which is optional.
        if (client instanceof FeignBlockingLoadBalancerClient
                || client.getClass().getName().equals(RETRYABLE_BALANCING_CLIENT)) {
            return (request, options) -> execute(client, request, options);
        }
        return client;
    }

    private Response execute(Client balancing, Request request, Request.Options options) throws IOException {
        String service = service(request);
        CircuitBreakerFactory<?, ?> breakers = this.factory.getIfAvailable();
        if (service == null || breakers == null) {
            return balancing.execute(request, options);
        }
        try {
            return breakers.create(service, CircuitBreakerSettings.GROUP).run(() -> {
                try {
                    return balancing.execute(request, options);
                }
                catch (IOException ex) {
                    throw new UncheckedIOException(ex);
                }
            }, CircuitBreakingFeignCapability::rethrow);
        }
        catch (UncheckedIOException ex) {
            throw ex.getCause();
        }
    }

    private static String service(Request request) {
        try {
            return URI.create(request.url()).getHost();
        }
        catch (IllegalArgumentException ex) {
            return null;
        }
    }

    private static Response rethrow(Throwable failure) {
        if (failure instanceof RuntimeException runtime) {
            throw runtime;
        }
        if (failure instanceof Error error) {
            throw error;
        }
        throw new IllegalStateException(failure);
    }
}
