package dev.meshkeeper.traffic;

import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import java.util.concurrent.atomic.AtomicBoolean;
import org.springframework.web.reactive.function.client.ClientRequest;
import org.springframework.web.reactive.function.client.ClientResponse;
import org.springframework.web.reactive.function.client.ExchangeFilterFunction;
import org.springframework.web.reactive.function.client.ExchangeFunction;
import reactor.core.publisher.Mono;

/**
 * Runs each {@code @LoadBalanced WebClient} exchange through the circuit breaker of the called service (the URI
 * host, which is the service id), with the semantics of {@link CircuitBreakingInterceptor} for the blocking
 * clients, and on the same breaker ({@link ServiceCircuitBreakers}). It sits in front of the load balancer's filter
 * and its retries, so one exchange is one outcome for the breaker: a failure when it ends in an error or a response
 * the breaker's configuration records as one (5xx), else a success. An open circuit fails the exchange at once, at
 * subscription, with Resilience4j's {@link CallNotPermittedException}, without reaching the balancer; once the open
 * time is over, the half-open breaker lets its permitted trial exchanges through and their outcomes close or reopen
 * it. An exchange cancelled before its response gives its permission back without an outcome.
 */
final class CircuitBreakingExchangeFilter implements ExchangeFilterFunction {

    private final ServiceCircuitBreakers breakers;

    CircuitBreakingExchangeFilter(ServiceCircuitBreakers breakers) {
        this.breakers = breakers;
    }

    @Override
    public Mono<ClientResponse> filter(ClientRequest request, ExchangeFunction next) {
        String service = request.url().getHost();
        CircuitBreaker breaker = (service != null) ? this.breakers.forService(service) : null;
        if (breaker == null) {
            return next.exchange(request);
        }
        return Mono.defer(() -> {
            if (!breaker.tryAcquirePermission()) {
                return Mono.error(CallNotPermittedException.createCallNotPermittedException(breaker));
            }
            long start = breaker.getCurrentTimestamp();
            // Exactly one of outcome, error and cancellation settles the permission.
            AtomicBoolean settled = new AtomicBoolean();
            return next.exchange(request).doOnSuccess(response -> {
                if (settled.compareAndSet(false, true)) {
                    if (response != null) {
                        breaker.onResult(breaker.getCurrentTimestamp() - start, breaker.getTimestampUnit(),
                                response);
                    }
                    else {
                        breaker.releasePermission();
                    }
                }
            }).doOnError(error -> {
                if (settled.compareAndSet(false, true)) {
                    breaker.onError(breaker.getCurrentTimestamp() - start, breaker.getTimestampUnit(), error);
                }
            }).doOnCancel(() -> {
                if (settled.compareAndSet(false, true)) {
                    breaker.releasePermission();
                }
            });
        });
    }
}
