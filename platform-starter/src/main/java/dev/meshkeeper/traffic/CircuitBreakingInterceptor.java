package dev.meshkeeper.traffic;

import java.io.IOException;
import java.io.UncheckedIOException;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.cloud.client.circuitbreaker.CircuitBreakerFactory;
import org.springframework.http.HttpRequest;
import org.springframework.http.client.ClientHttpRequestExecution;
import org.springframework.http.client.ClientHttpRequestInterceptor;
import org.springframework.http.client.ClientHttpResponse;

/**
 * Runs each {@code @LoadBalanced} call through the circuit breaker of the called service (the URI host, which is
 * the service id). It sits in front of the load balancer, so one call is one outcome for the breaker however
 * many instances the retries tried. An open circuit fails the call at once with Resilience4j's
 * {@code CallNotPermittedException}.
 */
class CircuitBreakingInterceptor implements ClientHttpRequestInterceptor {

    private final ObjectProvider<CircuitBreakerFactory<?, ?>> factory;

    CircuitBreakingInterceptor(ObjectProvider<CircuitBreakerFactory<?, ?>> factory) {
        this.factory = factory;
    }

    @Override
    public ClientHttpResponse intercept(HttpRequest request, byte[] body, ClientHttpRequestExecution execution)
            throws IOException {
        String service = request.getURI().getHost();
        CircuitBreakerFactory<?, ?> breakers = this.factory.getIfAvailable();
        if (service == null || breakers == null) {
            return execution.execute(request, body);
        }
        try {
            return breakers.create(service, CircuitBreakerSettings.GROUP).run(() -> {
                try {
                    return execution.execute(request, body);
                }
                catch (IOException ex) {
                    throw new UncheckedIOException(ex);
                }
            }, CircuitBreakingInterceptor::rethrow);
        }
        catch (UncheckedIOException ex) {
            throw ex.getCause();
        }
    }

    private static ClientHttpResponse rethrow(Throwable failure) {
        if (failure instanceof RuntimeException runtime) {
            throw runtime;
        }
        if (failure instanceof Error error) {
            throw error;
        }
        throw new IllegalStateException(failure);
    }
}
