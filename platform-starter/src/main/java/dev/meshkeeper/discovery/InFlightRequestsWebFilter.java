package dev.meshkeeper.discovery;

import org.springframework.core.Ordered;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Mono;

/**
 * Counts a reactive application's exchanges in progress into {@link InFlightRequests}: from the moment the exchange
 * enters the filter chain until it completes, fails or is cancelled. Runs first in the chain.
 */
class InFlightRequestsWebFilter implements WebFilter, Ordered {

    private final InFlightRequests inFlight;

    InFlightRequestsWebFilter(InFlightRequests inFlight) {
        this.inFlight = inFlight;
    }

    @Override
    public int getOrder() {
        return Ordered.HIGHEST_PRECEDENCE;
    }

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
        return Mono.defer(() -> {
            this.inFlight.begin();
            return chain.filter(exchange).doFinally(signal -> this.inFlight.end());
        });
    }
}
